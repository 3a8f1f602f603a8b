//! What an operator may confirm about a document: facts that cannot be true together are
//! refused, naming the field, before anything is recorded.

use chrono::NaiveDate;

use crate::{ConfirmedFacts, EpcRating, RequirementType};

/// Why confirmed facts were refused: the field, a stable code and a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FactsError {
    pub field: &'static str,
    pub code: &'static str,
    pub message: &'static str,
}

impl ConfirmedFacts {
    /// The facts of a document verified `today`: issued no later than today, expiring no
    /// earlier than issued, a rating for an EPC and for nothing else, an exemption only on an EPC.
    ///
    /// # Errors
    /// [`FactsError`] naming the first field that cannot be true with the others.
    pub fn confirm(
        requirement: RequirementType,
        issue_date: NaiveDate,
        expiry_date: Option<NaiveDate>,
        epc_rating: Option<EpcRating>,
        exemption_expiry_date: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, FactsError> {
        let refuse = |field, code, message| Err(FactsError { field, code, message });
        if issue_date > today {
            return refuse("issue_date", "in_future", "a document cannot be issued after today");
        }
        if expiry_date.is_some_and(|expiry| expiry < issue_date) {
            return refuse("expiry_date", "before_issue_date", "must not be before the issue date");
        }
        let is_epc = requirement == RequirementType::Epc;
        if !is_epc && exemption_expiry_date.is_some() {
            return refuse("exemption_expiry_date", "not_an_epc", "only an EPC has an exemption");
        }
        match (is_epc, epc_rating) {
            (true, None) => return refuse("epc_rating", "required", "an EPC states its rating"),
            (false, Some(_)) => return refuse("epc_rating", "not_an_epc", "only an EPC has a rating"),
            _ => {}
        }
        Ok(Self {
            requirement,
            issue_date,
            expiry_date,
            epc_rating,
            exemption_expiry_date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn facts_that_cannot_be_true_together_name_their_field() {
        let today = day(15);
        let gas = RequirementType::GasSafety;
        let field = |r: Result<ConfirmedFacts, FactsError>| r.unwrap_err().field;
        assert_eq!(
            field(ConfirmedFacts::confirm(gas, day(16), None, None, None, today)),
            "issue_date"
        );
        assert_eq!(
            field(ConfirmedFacts::confirm(gas, day(10), Some(day(9)), None, None, today)),
            "expiry_date"
        );
        assert_eq!(
            field(ConfirmedFacts::confirm(
                gas,
                day(10),
                None,
                Some(EpcRating::C),
                None,
                today
            )),
            "epc_rating"
        );
        assert_eq!(
            field(ConfirmedFacts::confirm(gas, day(10), None, None, Some(day(20)), today)),
            "exemption_expiry_date"
        );
        let epc = RequirementType::Epc;
        assert_eq!(
            field(ConfirmedFacts::confirm(epc, day(10), None, None, None, today)),
            "epc_rating"
        );
        let ok =
            ConfirmedFacts::confirm(epc, day(15), Some(day(15)), Some(EpcRating::F), Some(day(30)), today).unwrap();
        assert_eq!(ok.epc_rating, Some(EpcRating::F));
    }
}
