//! The shape of the source tree, checked over `src/` as text: no import circle between the
//! files or folders of any folder, and docs/ARCHITECTURE.md names every folder under `src/` by
//! its path.
//!
//! A module's imports are its `use` paths and the `crate::`, `super::` and `self::` paths in its
//! code (outside `#[cfg(test)]` blocks and comments), each resolved to the deepest module that
//! exists; a name that module re-exports (`pub use child::Name`) is followed to where it lives,
//! so a re-export does not hide a circle. Within each folder, its files and sub-folders are the
//! nodes; an edge a → b means some file in a imports something in b. Every such graph must be
//! acyclic (a folder's `mod.rs` is the folder itself, not one of its nodes).

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

type ModPath = Vec<String>;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read src").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` → [a, b]; `src/a/mod.rs` → [a]; `src/lib.rs` and `src/main.rs` → [].
fn module_of(file: &Path) -> ModPath {
    let rel = file.strip_prefix(src_dir()).expect("under src").with_extension("");
    let mut parts: ModPath = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") || parts == ["lib"] || parts == ["main"] {
        parts.pop();
    }
    parts
}

/// The code without comments and without `#[cfg(test)] mod name { ... }` blocks.
fn code_of(text: &str) -> String {
    let no_comments: String =
        text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let test_mod = Regex::new(r"#\[cfg\(test\)\]\s*(pub(\(crate\))?\s+)?mod\s+\w+\s*\{").expect("regex");
    let mut out = String::new();
    let mut rest = no_comments.as_str();
    while let Some(m) = test_mod.find(rest) {
        out.push_str(&rest[..m.start()]);
        let mut depth = 1;
        let mut end = rest.len();
        for (i, c) in rest[m.end()..].char_indices() {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            if depth == 0 {
                end = m.end() + i + 1;
                break;
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Expands a `use` tree (whitespace removed) into its paths: `a::{b,c::{d,e}}` → a::b, a::c::d, a::c::e.
fn expand(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else { return vec![tree.to_string()] };
    let mut depth = 0;
    let mut close = tree.len();
    for (i, c) in tree.char_indices().skip(open) {
        depth += match c {
            '{' => 1,
            '}' => -1,
            _ => 0,
        };
        if depth == 0 {
            close = i;
            break;
        }
    }
    let (prefix, inner, suffix) =
        (&tree[..open], &tree[open + 1..close], &tree[(close + 1).min(tree.len())..]);
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}{suffix}")))
        .collect()
}

/// Every path a module's code names: `use` trees and inline `crate::`/`super::`/`self::` paths.
fn paths_in(code: &str) -> (Vec<String>, Vec<String>) {
    let uses = Regex::new(r"\b(pub(\([a-z]+\))?\s+)?use\s+([^;]+);").expect("regex");
    let inline = Regex::new(r"\b(?:crate|super|self)(?:::(?:super|\w+))+").expect("regex");
    let alias = Regex::new(r"\s+as\s+\w+").expect("regex");
    let (mut all, mut reexports) = (Vec::new(), Vec::new());
    for c in uses.captures_iter(code) {
        let tree = alias.replace_all(&c[3], "");
        let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
        let expanded = expand(&tree);
        if c.get(1).is_some() {
            reexports.extend(expanded.iter().cloned());
        }
        all.extend(expanded);
    }
    all.extend(inline.find_iter(code).map(|m| m.as_str().to_string()));
    (all, reexports)
}

struct Tree {
    /// Module → file.
    files: BTreeMap<ModPath, PathBuf>,
    /// Module → (re-exported name → the module that defines it).
    reexports: HashMap<ModPath, HashMap<String, ModPath>>,
}

impl Tree {
    /// The module a path names (the deepest existing prefix, re-exports followed), if in the crate.
    fn resolve(&self, from: &ModPath, path: &str) -> Option<ModPath> {
        let mut segs = path.split("::").filter(|s| !s.is_empty()).peekable();
        let mut base = match *segs.peek()? {
            "crate" => Vec::new(),
            "super" | "self" => from.clone(),
            _ => return None,
        };
        let mut rest: Vec<&str> = Vec::new();
        for seg in segs {
            match seg {
                "crate" | "self" if rest.is_empty() => {}
                "super" if rest.is_empty() => {
                    base.pop();
                }
                s => rest.push(s),
            }
        }
        let mut module = base;
        for (i, seg) in rest.iter().enumerate() {
            let mut next = module.clone();
            next.push(seg.to_string());
            if self.files.contains_key(&next) {
                module = next;
                continue;
            }
            if let Some(target) = self.reexports.get(&module).and_then(|r| r.get(*seg)) {
                if i + 1 == rest.len() || target != &module {
                    return Some(target.clone());
                }
            }
            break;
        }
        Some(module)
    }
}

/// Every module's imports (module → imported modules, with the file that imports).
fn import_graph() -> (Tree, BTreeMap<ModPath, BTreeSet<ModPath>>) {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let codes: Vec<(ModPath, PathBuf, String)> = files
        .into_iter()
        .map(|f| (module_of(&f), f.clone(), code_of(&std::fs::read_to_string(&f).expect("read"))))
        .collect();
    let mut tree = Tree {
        files: codes.iter().map(|(m, f, _)| (m.clone(), f.clone())).collect(),
        reexports: HashMap::new(),
    };
    // Re-exports may chain (a mod.rs re-exporting a child's re-export): resolve to a fixed point.
    for _ in 0..4 {
        let mut reexports: HashMap<ModPath, HashMap<String, ModPath>> = HashMap::new();
        for (module, _, code) in &codes {
            for path in paths_in(code).1 {
                let name = path.rsplit("::").next().unwrap_or("").to_string();
                if let Some(target) = tree.resolve(module, &path).filter(|t| t != module) {
                    reexports.entry(module.clone()).or_default().insert(name, target);
                }
            }
        }
        tree.reexports = reexports;
    }
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (module, _, code) in &codes {
        for path in paths_in(code).0 {
            if let Some(target) = tree.resolve(module, &path).filter(|t| t != module) {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    (tree, edges)
}

/// The child of `parent` that contains `module`, if `module` is strictly inside `parent`.
fn child_of<'a>(parent: &[String], module: &'a [String]) -> Option<&'a str> {
    (module.len() > parent.len() && module.starts_with(parent)).then(|| module[parent.len()].as_str())
}

/// A cycle in a small graph, as a list of nodes, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut HashMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = HashMap::new();
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            if let Some(c) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// Every folder's import cycle, worded "folder: a → b → a (a imports b in file.rs, ...)".
fn import_cycles() -> Vec<String> {
    let (tree, edges) = import_graph();
    let mut cycles = Vec::new();
    for parent in tree.files.keys() {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut witness: HashMap<(String, String), String> = HashMap::new();
        for (from, targets) in &edges {
            let Some(a) = child_of(parent, from) else { continue };
            for to in targets {
                match child_of(parent, to) {
                    Some(b) if a != b => {
                        graph.entry(a.to_string()).or_default().insert(b.to_string());
                        witness.entry((a.to_string(), b.to_string())).or_insert_with(|| from.join("::"));
                    }
                    _ => {}
                }
            }
        }
        if let Some(cycle) = find_cycle(&graph) {
            let why: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("{} → {} in {}", w[0], w[1], witness[&(w[0].clone(), w[1].clone())]))
                .collect();
            let folder =
                if parent.is_empty() { "src".to_string() } else { format!("src/{}", parent.join("/")) };
            cycles.push(format!("{folder}: {} ({})", cycle.join(" → "), why.join("; ")));
        }
    }
    cycles
}

#[test]
fn no_import_circle_between_files_or_folders() {
    let cycles = import_cycles();
    assert!(cycles.is_empty(), "import circles:\n{}", cycles.join("\n"));
}

#[test]
fn counts_is_a_leaf_and_stats_and_the_exporters_never_read_the_data_layer() {
    let (_, edges) = import_graph();
    let leaves_its_room = |from: &str, allowed: &[&str]| -> Vec<String> {
        edges
            .iter()
            // Test modules (`tests.rs`) may read fixtures from anywhere.
            .filter(|(module, _)| {
                module.first().is_some_and(|m| m == from) && module.last().is_some_and(|m| m != "tests")
            })
            .flat_map(|(module, targets)| {
                targets
                    .iter()
                    .filter(|t| t.first().is_some_and(|top| top != from && !allowed.contains(&top.as_str())))
                    .map(move |t| format!("{} imports {}", module.join("::"), t.join("::")))
            })
            .collect()
    };
    assert_eq!(
        leaves_its_room("counts", &[]),
        Vec::<String>::new(),
        "counts/ must import nothing of the crate"
    );
    assert_eq!(leaves_its_room("stats", &["counts", "rng"]), Vec::<String>::new(), "stats/ is pure");
    for exporter in ["output", "chart"] {
        let found =
            leaves_its_room(exporter, &["analysis", "stats", "error", "escape", "plain_table", "output"]);
        assert_eq!(found, Vec::<String>::new(), "{exporter}/ reads only Findings");
    }
}

#[test]
fn the_checker_finds_a_planted_circle() {
    // The same search on a graph with a circle, so the test above could fail.
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(find_cycle(&graph), Some(vec!["a", "b", "c", "a"].into_iter().map(String::from).collect()));
    assert_eq!(expand("crate::a::{b,c::{d,e}}"), ["crate::a::b", "crate::a::c::d", "crate::a::c::e"]);
}

#[test]
fn architecture_names_every_source_folder() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md"))
        .expect("docs/ARCHITECTURE.md");
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let folders: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.parent())
        .filter(|d| *d != src_dir())
        .map(|d| format!("{}/", d.strip_prefix(src_dir()).expect("under src").display()))
        .collect();
    // A folder is named by its path from src/ (`data/count/index/`), in the tree drawing or text.
    let missing: Vec<&String> = folders.iter().filter(|f| !doc.contains(f.as_str())).collect();
    assert!(missing.is_empty(), "docs/ARCHITECTURE.md does not mention these src/ folders: {missing:?}");
}
