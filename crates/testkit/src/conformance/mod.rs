//! Conformance suites: what every adapter of a port must do, written once. An adapter's tests
//! invoke the macro with a harness factory, which yields one named test per check.

pub mod billing;
pub mod document_store;
pub mod documents;
pub mod jobs;
pub mod messages;
pub mod portfolios;
pub mod rate_limiter;
pub mod store;
pub mod users;

pub use store::StoreHarness;

/// Generates one `#[tokio::test]` per check for a harness. `$make` is an expression giving a
/// future of `Option<impl StoreHarness>`; `None` means the backend is not configured (skip).
/// `needs has_postgres, "needs TEST_DATABASE_URL", harness()` marks every test ignored (with
/// that reason) when the build script did not set the cfg: a test without its service reports as
/// ignored, not passed.
#[macro_export]
macro_rules! store_conformance_tests {
    (needs $cfg:ident, $why:literal, $make:expr) => {
        $crate::store_conformance_tests!(@all [cfg_attr(not($cfg), ignore = $why)] $make);
    };
    (@all $attr:tt $make:expr) => {
        $crate::store_conformance_tests!(@store $attr $make;
            a_created_client_reads_back_whole_with_its_properties,
            an_unknown_client_is_none,
            a_duplicate_email_is_refused_and_writes_nothing,
            concurrent_intakes_with_one_email_create_one_client,
            the_intake_audit_entry_is_written_with_the_client,
            sealing_links_entries_into_a_chain_that_verifies,
            concurrent_sealers_never_give_two_entries_one_seq,
            verification_names_a_changed_entry,
            verification_names_a_deleted_entry,
            verification_notices_the_newest_entry_deleted,
            the_audit_log_refuses_deletes_and_changes_to_sealed_entries,
            the_store_answers_a_ping,
        );
        $crate::store_conformance_tests!(@users $attr $make;
            a_created_user_reads_back_by_id_and_email,
            a_second_user_with_the_same_email_is_refused,
            issuing_a_token_revokes_the_earlier_ones_of_its_kind,
            a_token_sets_the_password_once_under_twenty_concurrent_uses,
            a_token_works_until_its_sixtieth_minute_and_not_at_it,
            a_revoked_token_sets_nothing,
            disabling_a_user_ends_its_sessions,
            the_last_active_admin_cannot_be_disabled_even_by_a_race,
            a_revoked_session_stays_revoked_until_it_would_have_expired,
            the_session_principal_is_the_user_with_its_client,
            a_second_factor_code_and_a_recovery_code_each_work_once,
            a_clear_second_factor_is_found_and_replaced_only_if_unchanged,
            disabling_a_user_revokes_its_password_links,
        );
        $crate::store_conformance_tests!(@messages $attr $make;
            a_queued_email_is_claimed_once_per_lease,
            concurrent_claimers_never_share_an_email,
            a_sent_email_is_final_and_forgets_its_model,
            a_retried_email_waits_until_due_then_fails_for_good,
            delivery_events_apply_once,
            a_change_that_fails_queues_no_email,
            messages_list_newest_first_filtered_and_paged,
            an_unreadable_email_fails_alone_and_the_batch_goes_on,
        );
        $crate::store_conformance_tests!(@billing $attr $make;
            a_payment_event_applies_once_under_concurrent_deliveries,
            subscription_events_in_any_order_end_in_the_newest_state,
            provisioning_runs_once_however_many_race,
            a_provisioning_failure_half_way_leaves_nothing_but_the_failure,
        );
        $crate::store_conformance_tests!(@documents $attr $make;
            a_document_reads_back_whole_and_only_for_its_client,
            a_document_is_reviewed_once_however_many_race,
            a_change_computed_from_a_stale_snapshot_is_refused,
            the_storage_quota_holds_under_racing_uploads,
        );
        $crate::store_conformance_tests!(@portfolios $attr $make;
            a_stored_portfolio_reads_back_beside_the_evidence_version,
            every_document_written_or_reviewed_moves_the_clients_evidence_on,
        );
        $crate::store_conformance_tests!(@jobs $attr $make;
            a_period_is_claimed_once_and_taken_up_only_after_its_lease,
            a_page_is_written_whole_or_not_at_all_and_only_under_the_lease,
            portfolios_are_the_active_clients_a_page_at_a_time,
        );
    };
    (@$module:ident $attr:tt $make:expr; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #$attr
            async fn $check() {
                let Some(harness) = $make.await else { return };
                $crate::conformance::$module::$check(&harness).await;
            }
        )+
    };
    ($make:expr) => {
        $crate::store_conformance_tests!(@all [cfg(all())] $make);
    };
}

/// Generates one `#[tokio::test]` per document store check. `$make` is an expression giving a
/// future of `Option<impl DocumentStoreHarness>`; `None` means the backend is not configured (skip).
#[macro_export]
macro_rules! document_store_conformance_tests {
    (needs $cfg:ident, $why:literal, $make:expr) => {
        $crate::document_store_conformance_tests!(@with [cfg_attr(not($cfg), ignore = $why)] $make);
    };
    (@with $attr:tt $make:expr) => {
        $crate::store_conformance_tests!(@document_store $attr $make;
            a_file_written_in_uneven_chunks_reads_back_byte_for_byte,
            a_twelve_mib_file_round_trips_across_part_boundaries,
            an_empty_file_round_trips_with_size_zero,
            nothing_is_readable_before_finish_or_after_abort,
            a_dropped_upload_leaves_nothing_readable,
            a_missing_key_or_a_mere_prefix_is_not_found,
            delete_removes_a_file_and_deleting_again_is_ok,
            concurrent_uploads_each_read_back_their_own_bytes,
        );
    };
    ($make:expr) => {
        $crate::document_store_conformance_tests!(@with [cfg(all())] $make);
    };
}
