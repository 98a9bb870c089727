//! The importer: reads upstream files as published and writes packs in the
//! project's schema.
