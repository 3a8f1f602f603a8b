//! Billing plans and the number of properties each one covers.

use std::ops::RangeInclusive;

use crate::macros::string_enum;

string_enum! {
    /// The subscription plan; it bounds the number of properties a client may hold.
    pub enum BillingPlan {
        Plan1 => "PLAN_1",
        Plan2To5 => "PLAN_2_5",
        Plan6To15 => "PLAN_6_15",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanBoundError {
    #[error("{plan} covers at least {min} properties")]
    TooFew { plan: BillingPlan, min: usize },
    #[error("{plan} covers at most {max} properties")]
    TooMany { plan: BillingPlan, max: usize },
}

impl BillingPlan {
    /// How many properties the plan covers.
    pub const fn property_bounds(self) -> RangeInclusive<usize> {
        match self {
            Self::Plan1 => 1..=1,
            Self::Plan2To5 => 2..=5,
            Self::Plan6To15 => 6..=15,
        }
    }

    /// # Errors
    /// [`PlanBoundError`] when `count` lies outside the plan's bounds.
    pub fn check_property_count(self, count: usize) -> Result<(), PlanBoundError> {
        let bounds = self.property_bounds();
        if count < *bounds.start() {
            Err(PlanBoundError::TooFew {
                plan: self,
                min: *bounds.start(),
            })
        } else if count > *bounds.end() {
            Err(PlanBoundError::TooMany {
                plan: self,
                max: *bounds.end(),
            })
        } else {
            Ok(())
        }
    }

    /// The largest number of properties any plan covers.
    pub const MAX_PROPERTIES: usize = 15;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_bound_the_property_count() {
        assert!(BillingPlan::Plan1.check_property_count(1).is_ok());
        assert!(BillingPlan::Plan1.check_property_count(2).is_err());
        assert!(BillingPlan::Plan2To5.check_property_count(1).is_err());
        assert!(BillingPlan::Plan2To5.check_property_count(5).is_ok());
        assert!(BillingPlan::Plan6To15.check_property_count(5).is_err());
        assert!(BillingPlan::Plan6To15.check_property_count(15).is_ok());
        assert!(BillingPlan::Plan6To15.check_property_count(16).is_err());
    }

    #[test]
    fn plans_round_trip_through_their_spelling() {
        for plan in BillingPlan::ALL {
            assert_eq!(plan.as_str().parse::<BillingPlan>().unwrap(), *plan);
        }
        assert!("PLAN_99".parse::<BillingPlan>().is_err());
    }
}
