{{ config(materialized='view') }}
-- The loaded batches this build reads (macro build_batches: pinned when the build started).
{{ build_batches() }}
