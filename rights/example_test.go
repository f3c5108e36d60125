package rights_test

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos/rights"
)

// A customer asks for a copy on the last day of January; the clock of
// GDPR Art. 12(3) gives until the end of February, and a request left
// unanswered shows up as overdue.
func Example() {
	ctx := context.Background()
	f := newFixture(panicking{})
	desk := f.desk()

	r, err := desk.Submit(ctx, dpo, rights.Request{
		Key: "ticket-2026-0131-7", Kind: rights.Copy, Subject: "C0000042",
		Requester: rights.Requester{Kind: rights.Self}, Channel: "app",
		Received: time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC), Regime: "gdpr",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.State, "due", r.Due.Format(time.RFC3339))

	f.verified[r.ID] = rights.Identity{Method: "app-session", Evidence: "session:5521"}
	r, _ = desk.Verify(ctx, dpo, r.ID)
	fmt.Println(r.State, "by", r.Identity.Method)

	for late, err := range desk.Overdue(ctx, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), 0) {
		if err != nil {
			panic(err)
		}
		fmt.Println("overdue:", late.ID == r.ID, late.Kind)
	}
	// Output:
	// received due 2026-03-01T00:00:00Z
	// verified by app-session
	// overdue: true copy
}

// An extension is possible once, with reasons, before the first month
// ends; the period then runs three months from receipt.
func ExampleDesk_Extend() {
	ctx := context.Background()
	f := newFixture(panicking{})
	desk := f.desk()
	r, _ := desk.Submit(ctx, dpo, request("ticket-8", rights.Access))
	r, err := desk.Extend(ctx, dpo, r.ID, "records held in four systems")
	fmt.Println(r.Due.Format(time.DateOnly), err)

	f.now = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	r2, _ := desk.Submit(ctx, dpo, request("ticket-9", rights.Access))
	_, err = desk.Extend(ctx, dpo, r2.ID, "too late")
	fmt.Println(err)
	// Output:
	// 2026-05-01 <nil>
	// rights: extension not allowed: the first period ended 2026-03-01T00:00:00Z (GDPR Art. 12(3))
}

// The end-of-month rule: one month from 31 January ends on the last day
// of February.
func ExamplePeriod_LastDay() {
	received := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	fmt.Println(rights.Months(1).LastDay(received, time.UTC).Format(time.DateOnly))
	fmt.Println(rights.Months(3).LastDay(received, time.UTC).Format(time.DateOnly))
	// Output:
	// 2026-02-28
	// 2026-04-30
}
