package notify_test

import (
	"context"
	"fmt"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/storage/memstore"
)

// A PIPL Art. 22 notice rendered in each language of the standard
// templates.
func ExampleTemplates_Render() {
	params := notify.Params{"recipient": "Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"}
	for _, lang := range []string{"zh-CN", "en-GB"} {
		r, err := notify.Standard().Render(notify.TransferNotice, params, lang)
		if err != nil {
			panic(err)
		}
		fmt.Println(r.Choice.Language, r.Subject)
	}
	// Output:
	// zh-Hans 关于您的个人信息转移至Acquirer Leasing Co., Ltd.的告知
	// en Your personal information passes to Acquirer Leasing Co., Ltd.
}

// Enqueueing keeps the customer's SubjectID and the parameters only; a
// parameter holding personal data is refused at once.
func ExampleOutbox_Enqueue() {
	ctx := context.Background()
	outbox, err := notify.NewOutbox(notify.OutboxConfig{
		Store: memstore.New().Notify(), Recorder: &events{}, Subjects: newSubjects("C0000001"),
	})
	if err != nil {
		panic(err)
	}
	msg := notify.Message{
		To: notify.Customer("C0000001"), Channel: notify.ChannelEmail, Template: notify.TransferNotice, Key: "transfer-T1/C0000001",
		Params: notify.Params{"recipient": "Acquirer Leasing Co., Ltd.", "contact": "https://acquirer.example/privacy", "effective": "2026-04-01"},
		Sender: custos.Access{Actor: custos.Actor{ID: "svc-transfer", Role: "workflow"}, Purpose: "transfer-notice"},
	}
	id, err := outbox.Enqueue(ctx, msg)
	fmt.Println(id == notify.MessageID(msg.Key), err)

	msg.Key, msg.Params["contact"] = "transfer-T1/C0000002", "139 1234 5678"
	_, err = outbox.Enqueue(ctx, msg)
	fmt.Println(err)
	st, _ := outbox.Status(ctx)
	fmt.Println(st.ByState[notify.StatePending])
	// Output:
	// true <nil>
	// notify: invalid message: notify: bad template parameter: template transfer-notice parameter "contact": notify: personal data in a parameter: holds a mobile number
	// 1
}
