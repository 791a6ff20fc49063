//! The documents of `amplify leakage`: per source, each item's words as term counts in one
//! vocabulary shared by every source, on the items every source answered (with a level).

/// Documents as term counts: row `r` holds `terms[indptr[r]..indptr[r + 1]]` with `counts`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TermCounts {
    /// Row starts.
    pub indptr: Vec<usize>,
    /// Term of each stored count.
    pub terms: Vec<u32>,
    /// The counts.
    pub counts: Vec<u32>,
    /// Number of distinct terms (shared by every source).
    pub vocabulary: usize,
}

impl TermCounts {
    /// Number of documents.
    pub fn rows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    /// Appends a document from (term, count) pairs.
    pub fn push(&mut self, row: impl IntoIterator<Item = (u32, u32)>) {
        if self.indptr.is_empty() {
            self.indptr.push(0);
        }
        for (t, n) in row {
            self.terms.push(t);
            self.counts.push(n);
        }
        self.indptr.push(self.terms.len());
    }
}

/// Every source's documents on the same items, in one vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Documents {
    /// The items (ids as text), sorted.
    pub items: Vec<String>,
    /// The grouping's levels, sorted.
    pub levels: Vec<String>,
    /// Each item's level (an index into `levels`).
    pub level: Vec<u32>,
    /// The vocabulary: term `t` is `terms[t]`.
    pub terms: Vec<String>,
    /// Per source (baseline first): its name and its documents, row `r` for `items[r]`.
    pub sources: Vec<(String, TermCounts)>,
    /// Items with a level left out because a source has no text for them.
    pub incomplete: u64,
}
