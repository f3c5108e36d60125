// Package report writes the records of processing and the compliance
// report an auditor or a data-protection officer reads: one document, in
// Simplified Chinese or English, generated from the host's policy values
// and its stores.
//
// It covers the records of processing of GDPR Art. 30(1) — purposes with
// their legal basis (PIPL Art. 13; GDPR Art. 6(1)), data categories with
// their classes (PIPL Art. 28; JR/T 0171-2020), recipients and transfers
// abroad (PIPL Art. 23, 39), retention periods (PIPL Art. 19; GDPR Art.
// 5(1)(e)) and security measures (PIPL Art. 51; GDPR Art. 32) — read from
// the same vault.Schema, consent.Purpose, retention.Policy and keys
// configuration the host runs with, never typed twice; the live state of
// consent, retention, notifications and the audit log (PIPL Art. 54); and
// impact-assessment drafts for planned processing (PIPL Art. 55, 56),
// with the questions only the host can answer left visible.
//
// A Reporter builds a Report — figures, codes and counts, no personal
// data — and writes it as one self-contained HTML page (inline CSS and
// SVG, no script, no network), as JSON or as CSV: three renderings of one
// value, so they never disagree. Sections of other packages plug in
// through Source.
//
// Live state is read through the stores' indexes and in pages (retention's
// due-date index, the consent store's primary keys, the audit log's
// leaves): memory stays bounded whatever the number of customers.
//
// # Errors
//
// New returns ErrConfig for a Config that cannot make a report;
// ParseLanguage ErrLanguage; ParseFormat ErrFormat. A store error fails
// Build: no report is better than one with a section silently missing. A
// failed check, such as an audit log that does not verify, is not an
// error: it is a Finding of severity Failure, shown first.
//
// # Concurrency
//
// A Reporter is immutable and safe for concurrent use; Build reads the
// stores without writing to them.
package report
