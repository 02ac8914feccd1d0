//! The project's source files, and conversions from byte offsets to
//! line/column.

use serde::Serialize;

/// Which file of the project a span is in: an index into [`Files`], in the
/// order the loader read them (the entry module is 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FileId(pub u32);

/// A byte range in one source file. Lowering, validation and diagnostics
/// all speak in these; line and column are derived only for display.
/// Ordered by file (load order), then position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The sub-span `offset..offset+len` of this span (for a place inside a
    /// string literal, e.g. one `{param}` of a path).
    pub fn sub(self, offset: usize, len: usize) -> Span {
        let start = (self.start as usize + offset).min(self.end as usize);
        Span::new(self.file, start, (start + len).min(self.end as usize))
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// The text of one module of the project.
pub struct SourceFile {
    pub id: FileId,
    /// The path for messages: as the user wrote the entry, and the other
    /// modules relative to the same directory.
    pub name: String,
    pub text: String,
    /// Start offset of every line; `\n`, `\r\n` and lone `\r` all end a line.
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(id: FileId, name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    line_starts.push(i + 2);
                    i += 1;
                }
                b'\r' => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        SourceFile {
            id,
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// Line and character column of a byte offset (clamped into the file
    /// and back to a character boundary).
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|start| *start <= offset) - 1;
        let column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        LineColumn {
            line: line + 1,
            column,
        }
    }

    pub fn snippet(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The span `start..end` in this file.
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.id, start, end)
    }
}

/// Every source file of a project, by [`FileId`].
#[derive(Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    /// Adds a file under the next id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile::new(id, name, text));
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The file a span is in.
    pub fn of(&self, span: Span) -> &SourceFile {
        self.get(span.file)
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_across_line_endings() {
        let file = SourceFile::new(FileId(0), "a.py", "ab\r\né = 1\rx\n\tz");
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_column(4), LineColumn { line: 2, column: 1 });
        // "é" is two bytes: the space after it is column 2.
        assert_eq!(file.line_column(6), LineColumn { line: 2, column: 2 });
        assert_eq!(file.line_column(11), LineColumn { line: 3, column: 1 });
        assert_eq!(file.line_column(14), LineColumn { line: 4, column: 2 });
        assert_eq!(file.line_column(999), LineColumn { line: 4, column: 3 });
    }
}
