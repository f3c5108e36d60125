// Package notify delivers the notices custos workflows owe people and
// organisations — transfer notices (PIPL Art. 22), separate-consent
// requests (PIPL Art. 23), breach notices (PIPL Art. 57; GDPR Art. 34),
// corrections to recipients (GDPR Art. 19), answers to data-subject
// requests (PIPL Art. 50; GDPR Art. 12) and accuracy reviews (PIPL Art. 8)
// — in the reader's language, durably and provably, without keeping a copy
// of personal data outside the vault.
//
// A host enqueues a [Message] in an [Outbox]: a recipient (a customer by
// SubjectID, or an organisation by the name its address is declared
// under), a channel, a [Template] and its [Params], an idempotency key and
// the sender's access. Everything that would make the message fail later
// is checked at enqueue: the template exists, the parameters fill it
// exactly, and none holds what reads as personal data. The outbox stores
// only that; a [Dispatcher] reads the customer's address from the vault at
// send time, through the vault's audited, purpose-bound read under the
// sender's access (PIPL Art. 13(3) for a legal duty to notify).
//
// Texts are golang.org/x/text message catalogs ([Templates]; [Standard]
// has Simplified Chinese and English), the language chosen by
// language.Matcher from the customer's preferred language, numbers and
// dates written as that language writes them.
//
// # Delivery
//
// Delivery is at least once. Several dispatchers, in several processes,
// may drain one outbox: each claims messages under a lease; a dispatcher
// that dies between sending and recording its result leaves its claim to
// expire, and the message is sent again with the same idempotency key,
// which every adapter passes on (Message-ID, webhook-id) so that the
// receiver recognises the resend. Every attempt leaves a delivery record
// ([Attempt]) and an audit event.
//
// What the tests show, on every adapter shipped (storage/storetest fails
// each call to the store or the audit recorder in turn, before or after
// it runs, then reruns): no message is lost; each ends sent with exactly
// one "sent" delivery record; a message is sent a second time only when
// the failed call was the one recording its send (the store's Finish or
// the delivery's audit event), and then with the same idempotency key;
// every send has its audit event except a send whose event failed before
// it was recorded, and that message's resend has one. Dispatcher
// processes killed between sending and recording, and three processes
// draining one outbox, are tested on SQLite and PostgreSQL. A temporary
// failure is retried even when it may hide a delivery (a timeout after the
// receiver accepted): the resend carries the same key.
//
// # Errors
//
// Enqueue refuses bad messages with errors wrapping [ErrInvalidMessage],
// [ErrUnknownTemplate], [ErrParam] and [ErrPersonalData]; they name the
// field or parameter, never its value. [ErrAudit] reports an audit event
// that could not be recorded; [ErrNotFound], [ErrConflict], [ErrNotDead]
// and [ErrLeaseLost] report the outbox's state.
//
// # Concurrency
//
// Outbox, Dispatcher and Templates are safe for concurrent use. Store
// implementations must be safe for concurrent use from several processes
// sharing one database.
package notify
