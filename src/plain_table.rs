//! A plain column-oriented table (named, typed columns with missing values), the exchange format
//! between exporters (CSV here, Parquet in `data/`) and generators.

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Integers.
    Int(Vec<Option<i64>>),
    /// Floats.
    Float(Vec<Option<f64>>),
    /// Strings.
    Str(Vec<Option<String>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
}

impl Values {
    /// The value at `row` as CSV text (empty when missing; floats at full precision).
    pub fn text(&self, row: usize) -> String {
        match self {
            Values::Int(v) => v[row].map(|x| x.to_string()),
            Values::Float(v) => v[row].map(|x| x.to_string()),
            Values::Str(v) => v[row].clone(),
            Values::Bool(v) => v[row].map(|x| x.to_string()),
        }
        .unwrap_or_default()
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Str(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A named table of equally long columns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    /// Name (file stem).
    pub name: String,
    /// Columns in order.
    pub columns: Vec<(String, Values)>,
}

impl Table {
    /// Rows in the table.
    pub(crate) fn rows(&self) -> usize {
        self.columns.first().map(|(_, v)| v.len()).unwrap_or(0)
    }

    /// RFC 4180 CSV with a header row.
    pub(crate) fn to_csv(&self) -> String {
        let quote = |v: &str| {
            if v.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.to_string()
            }
        };
        let mut out = self.columns.iter().map(|(n, _)| quote(n)).collect::<Vec<_>>().join(",") + "\n";
        for r in 0..self.rows() {
            out.push_str(&self.columns.iter().map(|(_, v)| quote(&v.text(r))).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
        out
    }
}
