package incident_test

import (
	"context"
	"fmt"
	"time"

	"github.com/custos-go/custos/incident"
	"github.com/custos-go/custos/storage/memstore"
	"github.com/custos-go/custos/storage/storetest"
)

// The CAC deadline of the initial report depends on the operator type.
func ExampleCACDeadline() {
	for _, op := range []incident.OperatorType{incident.OperatorCII, incident.OperatorCentralState, incident.OperatorOther} {
		d, _ := incident.CACDeadline(op)
		fmt.Println(op, d)
	}
	// Output:
	// cii 1h0m0s
	// central-state 2h0m0s
	// other 4h0m0s
}

// Lower thresholds are the host's; the top grade from 100 million people is
// fixed.
func ExampleGrading_Grade() {
	g := incident.Grading{Thresholds: []incident.Threshold{
		{Grade: incident.GradeSerious, People: 10_000}, {Grade: incident.GradeMajor, People: 1_000_000},
	}}
	fmt.Println(g.Validate())
	for _, people := range []int64{50, 20_000, 5_000_000, 120_000_000} {
		gr := g.Grade(people, 0)
		fmt.Println(people, gr, gr.Chinese())
	}
	// Output:
	// <nil>
	// 50 general 一般
	// 20000 serious 较大
	// 5000000 major 重大
	// 120000000 especially-serious 特别重大
}

// Leaked ciphertext with safe keys exempts the customer notices (GDPR Art.
// 34(3)(a)); a compromised KEK removes the exemption.
func ExampleExposure_Exemption() {
	e := incident.Exposure{Ciphertext: true}
	fmt.Println(e.Exemption())
	e.CompromisedKEKs = []string{"kek-2026-01"}
	fmt.Printf("%q\n", e.Exemption())
	// Output:
	// GDPR Art. 34(3)(a): only ciphertext was exposed and no key protecting it was
	// ""
}

// Opening an incident computes its grade and obligations; closing it is
// refused while they are open.
func ExampleRegister_Open() {
	ctx := context.Background()
	detected := time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC)
	reg, err := incident.New(incident.Config{Store: memstore.New().Incident(), Recorder: &storetest.Recorder{}, Policy: policy(),
		Clock: func() time.Time { return detected.Add(time.Hour) }})
	if err != nil {
		panic(err)
	}
	inc, err := reg.Open(ctx, responder, incident.Incident{ID: "INC-2026-0042", Detected: detected, Aware: detected.Add(30 * time.Minute),
		Kind: incident.KindLeak, Cause: "bulk read by an insider", People: 5, Records: 5})
	if err != nil {
		panic(err)
	}
	fmt.Println(inc.Grade, inc.State)
	for _, o := range inc.Obligations {
		fmt.Println(o.ID, o.Due.Format(time.RFC3339), o.Status(detected.Add(time.Hour)))
	}
	_, err = reg.Close(ctx, responder, inc.ID, "night reads need a second approver")
	fmt.Println(err)
	// Output:
	// serious detected
	// cac-initial 2026-03-06T19:00:00Z open
	// gdpr-initial 2026-03-09T15:30:00Z open
	// pipl-initial 2026-03-06T19:30:00Z open
	// individuals 2026-03-09T15:30:00Z open
	// incident: open obligations: cac-initial, gdpr-initial, pipl-initial, individuals
}
