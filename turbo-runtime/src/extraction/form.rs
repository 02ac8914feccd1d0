//! Form bodies, parsed in Rust as Starlette's `request.form()` parses them.
//!
//! Runs before the handler, on the I/O path: multipart bodies are read as
//! they arrive (multer), so a file part above [`SPOOL_MAX_SIZE`] goes to an
//! anonymous temporary file instead of memory, as Starlette's
//! `SpooledTemporaryFile` does; urlencoded bodies are split like Starlette's
//! `FormParser`. Text is handed to Python as bytes with the request's
//! charset, and decoded there exactly as Starlette decodes it.
//!
//! Limits and messages are Starlette 1.x's defaults (`max_files`,
//! `max_fields`, `max_part_size`), each a 400 through `HTTPException`.

use std::io::{Seek, SeekFrom, Write};

use http_body_util::BodyExt;
use hyper::HeaderMap;

use crate::extraction::request_text::{latin1, parse_query};
use crate::incoming::RequestBody;

/// Starlette's `MultiPartParser.spool_max_size`: larger uploads go to disk.
pub const SPOOL_MAX_SIZE: usize = 1024 * 1024;
/// Starlette's `max_part_size` for text fields and parts.
const MAX_PART_SIZE: usize = 1024 * 1024;
const MAX_FIELDS: usize = 1000;
const MAX_FILES: usize = 1000;

/// A parsed form: Starlette's `FormData` before it becomes Python objects.
#[derive(Debug, Default)]
pub struct Form {
    /// The request's `charset` parameter (multipart only).
    pub charset: Option<String>,
    pub items: Vec<(Vec<u8>, FormValue)>,
}

#[derive(Debug)]
pub enum FormValue {
    Text(Vec<u8>),
    File(Upload),
}

/// One uploaded file, positioned at its start.
#[derive(Debug)]
pub struct Upload {
    pub filename: Vec<u8>,
    /// The part's headers, names lower-cased, in order.
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub size: usize,
    pub content: Content,
}

#[derive(Debug)]
pub enum Content {
    Memory(Vec<u8>),
    Disk(std::fs::File),
}

/// Why a form could not be read: the `detail` of Starlette's 400.
#[derive(Debug, PartialEq, Eq)]
pub struct FormError(pub String);

/// Reads the form of a request whose route has form parameters; other
/// content types give an empty form, as in Starlette (the body is drained).
pub async fn read(headers: &HeaderMap, mut body: RequestBody) -> Result<Form, FormError> {
    let content_type = headers
        .get(hyper::header::CONTENT_TYPE)
        .map(|value| latin1(value.as_bytes()))
        .unwrap_or_default();
    let (kind, options) = parse_options_header(&content_type);
    match kind.as_str() {
        "multipart/form-data" => read_multipart(&options, body).await,
        "application/x-www-form-urlencoded" => {
            let bytes = body
                .collect()
                .await
                .map_err(|_| FormError("There was an error parsing the body".to_owned()))?
                .to_bytes();
            parse_urlencoded(&bytes)
        }
        _ => {
            while let Some(frame) = body.frame().await {
                if frame.is_err() {
                    break;
                }
            }
            Ok(Form::default())
        }
    }
}

/// Starlette's `FormParser` (python-multipart's `QuerystringParser`):
/// `&`-separated fields, each Latin-1 decoded then `unquote_plus`ed.
pub fn parse_urlencoded(body: &[u8]) -> Result<Form, FormError> {
    let mut items = Vec::new();
    for piece in body.split(|byte| *byte == b'&').filter(|piece| !piece.is_empty()) {
        // The name and value bytes, without the `=`.
        if piece.len() - usize::from(piece.contains(&b'=')) > MAX_PART_SIZE {
            return Err(too_large("Field"));
        }
        if items.len() == MAX_FIELDS {
            return Err(too_many("fields", MAX_FIELDS));
        }
        let (name, value) = parse_query(&latin1(piece)).pop().unwrap_or_default();
        items.push((name.into_bytes(), FormValue::Text(value.into_bytes())));
    }
    // `unquote_plus` already decoded the escapes as UTF-8.
    Ok(Form {
        charset: Some("utf-8".to_owned()),
        items,
    })
}

async fn read_multipart(options: &[(String, String)], body: RequestBody) -> Result<Form, FormError> {
    let charset = option(options, "charset").map(str::to_owned);
    let Some(boundary) = option(options, "boundary") else {
        return Err(FormError("Missing boundary in multipart.".to_owned()));
    };
    let mut form = Form {
        charset,
        items: Vec::new(),
    };
    let Some(stream) = checked_start(body, boundary).await? else {
        return Ok(form);
    };
    let mut multipart = multer::Multipart::new(stream, boundary);
    let (mut fields, mut files) = (0usize, 0usize);
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if ended_early(&err) => break,
            Err(_) => return Err(invalid()),
        };
        let headers: Vec<(Vec<u8>, Vec<u8>)> = field
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().as_bytes().to_vec(), value.as_bytes().to_vec()))
            .collect();
        let disposition = headers
            .iter()
            .find(|(name, _)| name == b"content-disposition")
            .map(|(_, value)| latin1(value))
            .unwrap_or_default();
        let (_, disposition) = parse_options_header(&disposition);
        let Some(name) = option(&disposition, "name") else {
            return Err(FormError(
                "The Content-Disposition header field \"name\" must be provided.".to_owned(),
            ));
        };
        let name = latin1_bytes(name);
        let Some(filename) = option(&disposition, "filename") else {
            fields += 1;
            if fields > MAX_FIELDS {
                return Err(too_many("fields", MAX_FIELDS));
            }
            let mut data = Vec::new();
            loop {
                match next_chunk(&mut field).await? {
                    Chunk::Data(chunk) if data.len() + chunk.len() > MAX_PART_SIZE => {
                        return Err(too_large("Part"));
                    }
                    Chunk::Data(chunk) => data.extend_from_slice(&chunk),
                    Chunk::End => break,
                    Chunk::StreamEnded => return Ok(form),
                }
            }
            form.items.push((name, FormValue::Text(data)));
            continue;
        };
        files += 1;
        if files > MAX_FILES {
            return Err(too_many("files", MAX_FILES));
        }
        let mut spool = Spool::default();
        loop {
            match next_chunk(&mut field).await? {
                Chunk::Data(chunk) => spool.write(&chunk)?,
                Chunk::End => break,
                Chunk::StreamEnded => return Ok(form),
            }
        }
        let filename = latin1_bytes(filename);
        form.items
            .push((name, FormValue::File(spool.finish(filename, headers)?)));
    }
    Ok(form)
}

type Chunks = futures_util::stream::BoxStream<'static, Result<bytes::Bytes, hyper::Error>>;

/// python-multipart wants the body to open with the boundary (after any
/// CR/LF, skipped up to the next `-`); multer would skip a preamble. The
/// stream for multer, or `None` for an empty body (an empty form).
async fn checked_start(mut body: RequestBody, boundary: &str) -> Result<Option<Chunks>, FormError> {
    use futures_util::StreamExt;
    let delimiter = format!("--{boundary}");
    let mut head = Vec::new();
    loop {
        let start = if head.first().is_some_and(|b| *b == b'\r' || *b == b'\n') {
            head.iter().position(|b| *b == b'-')
        } else {
            Some(0)
        };
        // The delimiter, then CR LF (a part) or `-` (the end).
        if let Some(start) = start.filter(|start| head.len() - start >= delimiter.len() + 2) {
            let after = &head[start + delimiter.len()..];
            if !head[start..].starts_with(delimiter.as_bytes())
                || !(after.starts_with(b"\r\n") || after[0] == b'-')
            {
                return Err(invalid());
            }
            break;
        }
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    head.extend_from_slice(&data);
                }
            }
            Some(Err(_)) => return Err(invalid()),
            // Ended before one whole delimiter: python-multipart finishes
            // without a part unless what it saw cannot start one.
            None => {
                let complete = format!("{delimiter}\r\n");
                return match start {
                    Some(start)
                        if !complete.as_bytes().starts_with(&head[start..])
                            && head[start..] != *format!("{delimiter}-").as_bytes() =>
                    {
                        Err(invalid())
                    }
                    _ => Ok(None),
                };
            }
        }
    }
    let head = futures_util::stream::once(async move { Ok(bytes::Bytes::from(head)) });
    Ok(Some(head.chain(body.into_data_stream()).boxed()))
}

/// The stream ended inside a part: python-multipart keeps the parts it
/// finished and drops that one, without an error.
fn ended_early(err: &multer::Error) -> bool {
    matches!(
        err,
        multer::Error::IncompleteStream
            | multer::Error::IncompleteFieldData { .. }
            | multer::Error::IncompleteHeaders
    )
}

enum Chunk {
    Data(bytes::Bytes),
    /// The part's closing boundary.
    End,
    /// The body ended inside the part.
    StreamEnded,
}

async fn next_chunk(field: &mut multer::Field<'_>) -> Result<Chunk, FormError> {
    match field.chunk().await {
        Ok(Some(chunk)) => Ok(Chunk::Data(chunk)),
        Ok(None) => Ok(Chunk::End),
        Err(err) if ended_early(&err) => Ok(Chunk::StreamEnded),
        Err(_) => Err(invalid()),
    }
}

fn too_many(what: &str, limit: usize) -> FormError {
    FormError(format!("Too many {what}. Maximum number of {what} is {limit}."))
}

fn too_large(what: &str) -> FormError {
    FormError(format!(
        "{what} exceeded maximum size of {}KB.",
        MAX_PART_SIZE / 1024
    ))
}

fn invalid() -> FormError {
    FormError("Invalid multipart data.".to_owned())
}

/// A file part in memory until it passes [`SPOOL_MAX_SIZE`], then on disk.
#[derive(Default)]
struct Spool {
    memory: Vec<u8>,
    disk: Option<std::fs::File>,
    size: usize,
}

impl Spool {
    fn write(&mut self, chunk: &[u8]) -> Result<(), FormError> {
        self.size += chunk.len();
        if self.disk.is_none() && self.size > SPOOL_MAX_SIZE {
            let mut file = tempfile::tempfile().map_err(disk_error)?;
            file.write_all(&self.memory).map_err(disk_error)?;
            self.memory = Vec::new();
            self.disk = Some(file);
        }
        match &mut self.disk {
            Some(file) => file.write_all(chunk).map_err(disk_error),
            None => {
                self.memory.extend_from_slice(chunk);
                Ok(())
            }
        }
    }

    fn finish(self, filename: Vec<u8>, headers: Vec<(Vec<u8>, Vec<u8>)>) -> Result<Upload, FormError> {
        let content = match self.disk {
            Some(mut file) => {
                file.seek(SeekFrom::Start(0)).map_err(disk_error)?;
                Content::Disk(file)
            }
            None => Content::Memory(self.memory),
        };
        Ok(Upload {
            filename,
            headers,
            size: self.size,
            content,
        })
    }
}

fn disk_error(err: std::io::Error) -> FormError {
    crate::log::log!(Error, "turbo: cannot spool an upload to a temporary file: {err}");
    FormError("There was an error parsing the body".to_owned())
}

fn option<'a>(options: &'a [(String, String)], key: &str) -> Option<&'a str> {
    options
        .iter()
        .rev()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.as_str())
}

/// The bytes of text that was decoded as Latin-1.
fn latin1_bytes(text: &str) -> Vec<u8> {
    text.chars().map(|c| c as u32 as u8).collect()
}

/// python-multipart's `parse_options_header`: the lower-cased value and its
/// `;`-separated parameters (quotes removed, `key*=` forms ignored, the
/// IE6 full-path `filename` cut to its last part).
pub fn parse_options_header(value: &str) -> (String, Vec<(String, String)>) {
    if value.is_empty() {
        return (String::new(), Vec::new());
    }
    if !value.contains(';') {
        return (
            value.to_lowercase().trim_matches([' ', '\t']).to_owned(),
            Vec::new(),
        );
    }
    let mut segments = parse_params(value).into_iter();
    let kind = segments.next().unwrap_or_default().to_lowercase();
    let mut options = Vec::new();
    for segment in segments {
        let (key, val) = segment.split_once('=').unwrap_or((segment.as_str(), ""));
        if key.contains('*') {
            continue;
        }
        let mut val = val.to_owned();
        if val.len() >= 2 && val.starts_with('"') && val.ends_with('"') {
            val = val[1..val.len() - 1].replace("\\\\", "\\").replace("\\\"", "\"");
        }
        if key == "filename" && (val.get(1..3) == Some(":\\") || val.starts_with("\\\\")) {
            val = val.rsplit('\\').next().unwrap_or_default().to_owned();
        }
        options.push((key.to_owned(), val));
    }
    (kind, options)
}

/// `email.message._parseparam` as python-multipart vendors it: split at
/// `;` outside double quotes; keys lower-cased, blanks around `=` removed.
fn parse_params(value: &str) -> Vec<String> {
    let s = format!(";{value}");
    let find = |from: usize| s.get(from..).and_then(|rest| rest.find(';')).map(|i| i + from);
    let count =
        |pattern: &str, from: usize, to: usize| s.get(from..to).map_or(0, |t| t.matches(pattern).count());
    let mut parts = Vec::new();
    let mut start = 0;
    while find(start) == Some(start) {
        start += 1;
        let mut end = find(start);
        let (mut ind, mut diff) = (start, 0usize);
        while let Some(e) = end.filter(|&e| e > 0) {
            diff += count("\"", ind, e) - count("\\\"", ind, e);
            if diff % 2 == 0 {
                break;
            }
            (end, ind) = (Some(ind), find(e + 1).unwrap_or(usize::MAX));
            if ind == usize::MAX {
                end = None;
            }
        }
        let end = end.unwrap_or(s.len());
        let piece = match s[start..end].find('=') {
            None => s[start..end].to_owned(),
            Some(i) => format!(
                "{}={}",
                s[start..start + i].trim_end_matches([' ', '\t']).to_lowercase(),
                s[start + i + 1..end].trim_start_matches([' ', '\t'])
            ),
        };
        parts.push(piece.trim_matches([' ', '\t']).to_owned());
        start = end;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(form: &Form) -> Vec<(String, String)> {
        form.items
            .iter()
            .map(|(name, value)| match value {
                FormValue::Text(text) => (latin1(name), latin1(text)),
                FormValue::File(_) => (latin1(name), "<file>".to_owned()),
            })
            .collect()
    }

    #[test]
    fn urlencoded_follows_starlette() {
        let form = parse_urlencoded(b"a=1&&b&=v&c=x+y%20z&d=caf%C3%A9&a=2&").unwrap();
        let got = texts(&form);
        let expect = [
            ("a", "1"),
            ("b", ""),
            ("", "v"),
            ("c", "x y z"),
            ("d", "caf\u{c3}\u{a9}"),
            ("a", "2"),
        ];
        let expect: Vec<(String, String)> = expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        // Values are handed over as UTF-8 text bytes, seen here through Latin-1.
        assert_eq!(got, expect);
    }

    #[test]
    fn urlencoded_limits() {
        let many = "a=1&".repeat(MAX_FIELDS + 1);
        assert_eq!(
            parse_urlencoded(many.as_bytes()).unwrap_err().0,
            "Too many fields. Maximum number of fields is 1000."
        );
        let big = format!("a={}", "x".repeat(MAX_PART_SIZE));
        assert_eq!(
            parse_urlencoded(big.as_bytes()).unwrap_err().0,
            "Field exceeded maximum size of 1024KB."
        );
        let fits = format!("a={}", "x".repeat(MAX_PART_SIZE - 1));
        assert!(parse_urlencoded(fits.as_bytes()).is_ok());
    }

    #[test]
    fn options_header_follows_python_multipart() {
        assert_eq!(
            parse_options_header("Text/Plain"),
            ("text/plain".to_owned(), vec![])
        );
        let (kind, options) = parse_options_header(
            "form-data; NAME=\"a;b\"; filename=\"C:\\\\dir\\\\f.txt\"; filename*=utf-8''x; q=\"say \\\"hi\\\"\"",
        );
        assert_eq!(kind, "form-data");
        assert_eq!(
            options,
            vec![
                ("name".to_owned(), "a;b".to_owned()),
                ("filename".to_owned(), "f.txt".to_owned()),
                ("q".to_owned(), "say \"hi\"".to_owned()),
            ]
        );
        // Quotes that do not pair up: the standard library's odd splitting, kept.
        let (_, options) = parse_options_header(r#"form-data; name="a\"; x="y;z"; w=1"#);
        assert_eq!(
            options,
            vec![
                ("name".to_owned(), r#""a\"; x="y"#.to_owned()),
                ("z\"; w".to_owned(), "1".to_owned()),
            ]
        );
        let (kind, options) = parse_options_header("multipart/form-data; boundary=xyz ; charset = latin-1");
        assert_eq!(kind, "multipart/form-data");
        assert_eq!(
            options,
            vec![
                ("boundary".to_owned(), "xyz".to_owned()),
                ("charset".to_owned(), "latin-1".to_owned())
            ]
        );
    }

    #[test]
    fn spool_moves_to_disk_past_the_limit() {
        let mut spool = Spool::default();
        spool.write(&vec![b'a'; SPOOL_MAX_SIZE]).unwrap();
        assert!(spool.disk.is_none());
        spool.write(b"b").unwrap();
        let upload = spool.finish(b"f".to_vec(), Vec::new()).unwrap();
        assert_eq!(upload.size, SPOOL_MAX_SIZE + 1);
        let Content::Disk(mut file) = upload.content else {
            panic!("expected a file on disk")
        };
        let mut read = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut read).unwrap();
        assert_eq!(read.len(), SPOOL_MAX_SIZE + 1);
        assert_eq!(read.last(), Some(&b'b'));
    }
}
