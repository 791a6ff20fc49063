//! Word counts of `amplify words`: per source and grouping level, how often each word occurs in
//! the responses, with the documents behind them. The sufficient statistics of the log-odds
//! (`stats::marked_words`); counts of disjoint item shards add up word by word.

use std::collections::HashMap;

/// The hasher of the word tables: aHash, several times faster than the default SipHash on short
/// keys (words are data, but a table only slows down, never misbehaves, under colliding keys).
pub(crate) type WordHasher = ahash::RandomState;

/// The words of one source's responses on the items of one level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordTable {
    /// The source.
    pub source: String,
    /// The grouping level of the items.
    pub level: String,
    /// Responses read (with text, possibly without a word).
    pub documents: u64,
    /// Responses with no text (null).
    pub missing: u64,
    /// Occurrences of each token.
    pub counts: HashMap<String, u64, WordHasher>,
}

impl WordTable {
    /// An empty table of one source and level.
    pub fn new(source: &str, level: &str) -> Self {
        Self { source: source.into(), level: level.into(), ..Self::default() }
    }

    /// Adds one occurrence of `word`.
    pub fn add_word(&mut self, word: &str) {
        match self.counts.get_mut(word) {
            Some(n) => *n += 1,
            None => {
                self.counts.insert(word.to_string(), 1);
            }
        }
    }

    /// Tokens counted.
    pub fn tokens(&self) -> u64 {
        self.counts.values().sum()
    }
}

impl std::ops::AddAssign for WordTable {
    /// Adds the counts of a disjoint shard of the same source and level.
    fn add_assign(&mut self, other: Self) {
        self.documents += other.documents;
        self.missing += other.missing;
        for (word, n) in other.counts {
            *self.counts.entry(word).or_insert(0) += n;
        }
    }
}

/// Every source's word tables, the baseline's first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordCounts {
    /// The sources in order, the baseline first.
    pub sources: Vec<String>,
    /// The grouping's levels, in order.
    pub levels: Vec<String>,
    /// One table per source and level present.
    pub tables: Vec<WordTable>,
}

impl WordCounts {
    /// The table of a source and level, if counted.
    pub fn table(&self, source: &str, level: &str) -> Option<&WordTable> {
        self.tables.iter().find(|t| t.source == source && t.level == level)
    }

    /// Adds a table, merged with the table of the same source and level if there is one.
    pub fn add(&mut self, table: WordTable) {
        if !self.sources.contains(&table.source) {
            self.sources.push(table.source.clone());
        }
        if !self.levels.contains(&table.level) {
            self.levels.push(table.level.clone());
        }
        match self.tables.iter_mut().find(|t| t.source == table.source && t.level == table.level) {
            Some(t) => *t += table,
            None => self.tables.push(table),
        }
    }

    /// The pooled count of every word over all sources and levels.
    pub fn pooled(&self) -> HashMap<&str, u64> {
        let mut pooled: HashMap<&str, u64> = HashMap::new();
        for t in &self.tables {
            for (w, n) in &t.counts {
                *pooled.entry(w.as_str()).or_insert(0) += n;
            }
        }
        pooled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(source: &str, level: &str, words: &[&str]) -> WordTable {
        let mut t = WordTable::new(source, level);
        t.documents = 1;
        words.iter().for_each(|w| t.add_word(w));
        t
    }

    #[test]
    fn shards_add_up_word_by_word() {
        let mut whole = WordCounts::default();
        whole.add(table("human", "f", &["a", "b", "a", "c"]));
        let mut shards = WordCounts::default();
        shards.add(table("human", "f", &["a", "b"]));
        shards.add(table("human", "f", &["a", "c"]));
        let (a, b) = (whole.table("human", "f").expect("t"), shards.table("human", "f").expect("t"));
        assert_eq!(a.counts, b.counts);
        assert_eq!((a.documents, b.documents), (1, 2));
        assert_eq!(b.tokens(), 4);
        shards.add(table("model", "m", &["a"]));
        assert_eq!(shards.sources, ["human", "model"]);
        assert_eq!(shards.levels, ["f", "m"]);
        assert_eq!(shards.pooled()["a"], 3);
    }
}
