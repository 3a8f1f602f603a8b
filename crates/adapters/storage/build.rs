//! Which test services this build can reach (see build-support/service_cfgs.rs).

include!("../../../build-support/service_cfgs.rs");
