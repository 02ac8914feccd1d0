//! The text of a request as Starlette decodes it: header bytes as
//! Latin-1, query strings as `urllib.parse.parse_qsl`, cookies as
//! Starlette's `cookie_parser`. Shared by the request and form readers.

use std::borrow::Cow;

pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| *b as char).collect()
}

/// Starlette's `cookie_parser`: `;`-separated chunks, `key=value` split at
/// the first `=` (no `=`: an empty key), both stripped, values unquoted
/// like `http.cookies._unquote`; chunks with neither key nor value dropped.
pub fn parse_cookies(header: &str) -> Vec<(String, String)> {
    header
        .split(';')
        .filter_map(|chunk| {
            let (key, value) = chunk.split_once('=').unwrap_or(("", chunk));
            let (key, value) = (key.trim(), value.trim());
            (!key.is_empty() || !value.is_empty()).then(|| (key.to_owned(), unquote_cookie(value)))
        })
        .collect()
}

/// `http.cookies._unquote`: a double-quoted value loses its quotes, and
/// inside, backslash-octal (`\\101`) and backslash-character escapes are decoded.
fn unquote_cookie(value: &str) -> String {
    let quoted = value.len() >= 2 && value.starts_with('"') && value.ends_with('"');
    if !quoted {
        return value.to_owned();
    }
    let chars: Vec<char> = value[1..value.len() - 1].chars().collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            let octal = &chars[i + 1..(i + 4).min(chars.len())];
            let is_octal = octal.len() == 3
                && ('0'..='3').contains(&octal[0])
                && octal[1..].iter().all(|c| ('0'..='7').contains(c));
            if is_octal {
                let code = octal
                    .iter()
                    .fold(0u32, |acc, c| acc * 8 + c.to_digit(8).unwrap_or(0));
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                i += 4;
            } else {
                out.push(chars[i + 1]);
                i += 2;
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `urllib.parse.parse_qsl(query, keep_blank_values=True)` on the query
/// string decoded as Latin-1, which is what Starlette's `QueryParams` does.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (unquote_plus(name), unquote_plus(value))
        })
        .collect()
}

/// `urllib.parse.unquote(text.replace("+", " "))`: runs of `%XX` escapes
/// (with the ASCII around them) are decoded as UTF-8 with replacement.
fn unquote_plus(text: &str) -> String {
    if !text.contains(['%', '+']) && text.is_ascii() {
        return text.to_owned();
    }
    let replaced: Cow<'_, str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    let mut out = String::with_capacity(replaced.len());
    let mut ascii_run = Vec::new();
    for ch in replaced.chars() {
        if ch.is_ascii() {
            ascii_run.push(ch as u8);
        } else {
            flush_ascii_run(&mut ascii_run, &mut out);
            out.push(ch);
        }
    }
    flush_ascii_run(&mut ascii_run, &mut out);
    out
}

fn flush_ascii_run(run: &mut Vec<u8>, out: &mut String) {
    if !run.is_empty() {
        out.push_str(&percent_encoding::percent_decode(run).decode_utf8_lossy());
        run.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parsing_follows_parse_qsl() {
        let parsed = parse_query("a=1&&b=&c&d=x+y%20z&e=caf%C3%A9&f=%FF&=v&a=2");
        let expect = [
            ("a", "1"),
            ("b", ""),
            ("c", ""),
            ("d", "x y z"),
            ("e", "caf\u{e9}"),
            ("f", "\u{fffd}"),
            ("", "v"),
            ("a", "2"),
        ];
        let got: Vec<(&str, &str)> = parsed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn cookies_follow_starlette() {
        let parsed = parse_cookies(r#"a=1; b = two ; lone; c="q\"w\101"; =v; ; d=x=y; a=last"#);
        let got: Vec<(&str, &str)> = parsed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            got,
            [
                ("a", "1"),
                ("b", "two"),
                ("", "lone"),
                ("c", "q\"wA"),
                ("", "v"),
                ("d", "x=y"),
                ("a", "last")
            ]
        );
    }

    #[test]
    fn bad_escapes_stay_literal() {
        assert_eq!(unquote_plus("%zz%4"), "%zz%4");
    }
}
