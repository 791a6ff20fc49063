//! The seeded generator behind `data/sample/` (`amplify sample`): the label files of an
//! ELEPHANT-like AITA data set ([`labels`]), the audit of a judge on it ([`audit`]),
//! counterfactual pairs ([`counterfactual`]), repeated samples ([`repeated`]), preference
//! data, one source alone ([`preference`]), and response texts for `amplify words` ([`texts`]).

pub(crate) mod audit;
pub(crate) mod counterfactual;
pub(crate) mod labels;
pub(crate) mod preference;
pub(crate) mod repeated;
pub(crate) mod texts;

use crate::plain_table::Table;

/// Every table of the sample, in the order they are written.
pub(crate) fn generate(items: usize, seed: u64) -> Vec<Table> {
    let mut tables = labels::label_tables(items, seed);
    tables.push(audit::audit_table(&tables, seed));
    tables.push(audit::judged_table(&tables));
    tables.extend(counterfactual::pair_tables(items, seed));
    tables.extend(repeated::repeat_tables(items, seed));
    tables.push(preference::preference_table(items, seed));
    tables
}
