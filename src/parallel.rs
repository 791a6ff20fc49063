//! Independent jobs over the cores: [`map`] runs `f` on each index with scoped threads, the
//! indexes dealt round-robin, and returns the results in index order. For a few large jobs
//! (a source's label columns, its repeat sums); a panic in a job is re-raised in the caller.

/// `f(0), f(1), …, f(n − 1)`, computed over up to as many threads as cores.
pub(crate) fn map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |c| c.get()).clamp(1, n.max(1));
    if threads == 1 {
        return (0..n).map(f).collect();
    }
    let f = &f;
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| scope.spawn(move || (t..n).step_by(threads).map(|i| (i, f(i))).collect::<Vec<_>>()))
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests {
    /// Results come back in index order whatever thread computed them.
    #[test]
    fn results_keep_the_index_order() {
        for n in [0, 1, 2, 7, 100] {
            assert_eq!(super::map(n, |i| i * i), (0..n).map(|i| i * i).collect::<Vec<_>>());
        }
    }
}
