// Package transfer hands a company's customers to another handler — on a
// merger, division, dissolution, bankruptcy or the sale of a customer
// portfolio — without anyone seeing plaintext on the way and without a
// shared KMS (PIPL Art. 22, 23, 39, 55(3); NDSR Art. 14; RULES M1–M6).
//
// # Plan and approval
//
// A [Plan] names the cause (which decides the article: [Cause.Article]),
// the seller and the recipient (name, contact, jurisdiction, the
// recipient's HPKE public keyset), the scope (record types, purposes
// carried over), exclusions, and the impact assessment made before the
// transfer (PIPL Art. 55(3)). [Plan.Validate] refuses a plan missing any of
// them, and a plan that needs separate consent (Art. 23, or Art. 39 for a
// recipient abroad) without its consent purpose and deadline.
// [Seller.Propose] stores it; [Seller.Approve] records approvals under the
// company's [ApprovalRule]: at least two distinct people in approver roles,
// each approval of the plan's exact [Plan.Digest] and audited before it is
// stored.
//
// # Key handover
//
// The acquirer makes an HPKE keyset ([NewRecipientKeyset]) and publishes
// its public half ([PublicKeyset]). The seller's transfer key, a Tink
// AES-SIV keyset, is encapsulated to it with Tink's hybrid encryption
// ([SealTransferKey]); each moved customer's DEK keyset is unwrapped from
// the seller's KEK and wrapped under the transfer key, with associated
// data naming transfer and customer ([TransferKey.ExportDEK]). The
// acquirer opens the transfer key with its private keyset
// ([OpenTransferKey]) and stores each DEK under its own KEK
// ([TransferKey.ImportDEK]). No field is decrypted: field ciphertexts move
// byte for byte and still open, because their associated data binds only
// format, record type, customer and field. The seller's blind-index key
// does not travel. docs/FORMAT.md gives the bytes.
//
// # Closing
//
// [Seller.Finish] closes the transfer once the acquirer's signed receipt
// names the root of the latest export: it destroys the moved customers
// (keeping, restricted, those a rule keeps) and deletes the transfer key.
// A plan that engages processors ([Plan.Processors]) closes only with each
// one's confirmation that it returned or deleted the data ([ProcessorDone];
// PIPL Art. 21, RULES M6), recorded in the audit log before anything is
// destroyed.
//
// # Errors
//
// Callers branch on [ErrInvalidPlan], [ErrApproval], [ErrNotApproved],
// [ErrNotFound], [ErrExists], [ErrKey], [ErrBundle], [ErrMapping],
// [ErrProcessors] and [ErrConfig]; key
// errors from package keys (keys.ErrUnwrap, keys.ErrExists,
// keys.ErrShredded) pass through wrapped. No error carries personal data
// or key material.
//
// # Concurrency
//
// A Seller is safe for concurrent use. Two concurrent approvals by the same
// person store one.
package transfer
