//! Compute units per instruction: recorded transactions grouped by the one instruction each
//! sends, the largest account list, the check against budgets, and the printed table.

use std::collections::BTreeMap;
use std::fmt::Write;

use anchor_lang::prelude::Pubkey;
use dlex_sdk::bank::TransactionCost;

/// What the measured transactions of one instruction cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InstructionCost {
    /// Transactions measured.
    pub calls: usize,
    /// The most compute units one of them consumed (CPIs included).
    pub max_units: u64,
    /// The most accounts one of them named (fee payer, programs and sysvars included).
    pub max_accounts: usize,
}

/// Costs by instruction name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CostTable(pub BTreeMap<String, InstructionCost>);

/// A budget a measurement broke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BudgetViolation {
    Exceeded { instruction: String, units: u64, budget: u64 },
    /// A budgeted instruction the scene never sent: its budget could not be checked.
    NotMeasured { instruction: String },
}

impl std::fmt::Display for BudgetViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exceeded { instruction, units, budget } => {
                write!(f, "{instruction} consumed {} compute units, over its budget of {}", thousands(*units), thousands(*budget))
            }
            Self::NotMeasured { instruction } => write!(f, "{instruction} has a budget but was never measured"),
        }
    }
}

impl CostTable {
    /// Groups `costs` by instruction. A transaction counts when it sends exactly one
    /// instruction and `name_of(program, data)` names it; the others (setup) are left out.
    pub fn tabulate(costs: &[TransactionCost], name_of: impl Fn(&Pubkey, &[u8]) -> Option<String>) -> Self {
        let mut table = BTreeMap::<String, InstructionCost>::new();
        for cost in costs {
            let message = &cost.message;
            let [instruction] = message.instructions.as_slice() else { continue };
            let program = &message.account_keys[usize::from(instruction.program_id_index)];
            let Some(name) = name_of(program, &instruction.data) else { continue };
            let row = table.entry(name).or_default();
            row.calls += 1;
            row.max_units = row.max_units.max(cost.compute_units);
            row.max_accounts = row.max_accounts.max(message.account_keys.len());
        }
        Self(table)
    }

    pub fn get(&self, instruction: &str) -> Option<&InstructionCost> {
        self.0.get(instruction)
    }

    /// The measured transaction naming the most accounts: its instruction and account count.
    pub fn largest_transaction(&self) -> Option<(&str, usize)> {
        self.0.iter().map(|(name, cost)| (name.as_str(), cost.max_accounts)).max_by_key(|&(_, accounts)| accounts)
    }

    /// Every `(instruction, most compute units)` budget this table breaks.
    pub fn over_budget(&self, budgets: &[(&str, u64)]) -> Vec<BudgetViolation> {
        budgets
            .iter()
            .filter_map(|&(instruction, budget)| match self.get(instruction) {
                None => Some(BudgetViolation::NotMeasured { instruction: instruction.to_string() }),
                Some(cost) if cost.max_units > budget => {
                    Some(BudgetViolation::Exceeded { instruction: instruction.to_string(), units: cost.max_units, budget })
                }
                Some(_) => None,
            })
            .collect()
    }
}

/// The tables side by side, one column of compute units per `(label, table)`, with the
/// budgets, the most accounts and the calls measured, then the largest transaction.
pub fn render(columns: &[(&str, &CostTable)], budgets: &[(&str, u64)]) -> String {
    let mut names: Vec<&str> = columns.iter().flat_map(|(_, table)| table.0.keys().map(String::as_str)).collect();
    names.sort_unstable();
    names.dedup();
    let mut out = format!("{:<26}", "instruction");
    for (label, _) in columns {
        write!(out, "{:>16}", format!("{label} CU")).unwrap();
    }
    writeln!(out, "{:>10}{:>10}{:>8}", "budget", "accounts", "calls").unwrap();
    for name in names {
        write!(out, "{name:<26}").unwrap();
        let costs: Vec<Option<&InstructionCost>> = columns.iter().map(|(_, table)| table.get(name)).collect();
        for cost in &costs {
            write!(out, "{:>16}", cost.map_or("-".to_string(), |c| thousands(c.max_units))).unwrap();
        }
        let budget = budgets.iter().find(|(instruction, _)| *instruction == name).map_or("-".to_string(), |&(_, b)| thousands(b));
        let accounts = costs.iter().flatten().map(|c| c.max_accounts).max().unwrap_or(0);
        let calls = costs.iter().flatten().map(|c| c.calls.to_string()).collect::<Vec<_>>().join("/");
        writeln!(out, "{budget:>10}{accounts:>10}{calls:>8}").unwrap();
    }
    let largest = columns.iter().filter_map(|(label, table)| table.largest_transaction().map(|(name, n)| (n, name, *label))).max();
    if let Some((accounts, name, label)) = largest {
        writeln!(out, "largest transaction: {accounts} accounts ({name}, {label})").unwrap();
    }
    out
}

/// `1234567` as `1,234,567`.
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!([0, 999, 1_000, 25_000, 1_400_000].map(thousands), ["0", "999", "1,000", "25,000", "1,400,000"]);
    }

    #[test]
    fn a_budget_is_broken_above_it_and_when_never_measured() {
        let cost = InstructionCost { calls: 1, max_units: 100, max_accounts: 3 };
        let table = CostTable(BTreeMap::from([("swap".to_string(), cost)]));
        assert_eq!(table.over_budget(&[("swap", 100)]), vec![]);
        assert_eq!(table.over_budget(&[("swap", 99)]), vec![BudgetViolation::Exceeded { instruction: "swap".into(), units: 100, budget: 99 }]);
        assert_eq!(table.over_budget(&[("borrow", 1)]), vec![BudgetViolation::NotMeasured { instruction: "borrow".into() }]);
    }
}
