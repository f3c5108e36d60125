package rights

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/custos-go/custos/kind"
	"github.com/custos-go/custos/notify"
	"github.com/custos-go/custos/vault"
)

// correct applies a correction record type by record type (vault.Update),
// then tells each organisation that received a corrected field (GDPR Art.
// 19) through the outbox.
func (a *acts) correct(ctx context.Context, values map[string]any) (outcome, error) {
	byType := map[string]vault.Values{}
	for _, f := range a.r.Fields {
		t, n, _ := strings.Cut(f, ".")
		if byType[t] == nil {
			byType[t] = vault.Values{}
		}
		byType[t][n] = values[f]
	}
	corrected := 0
	for _, t := range slices.Sorted(maps.Keys(byType)) {
		act := "update:" + t
		if e, ok := a.done[act]; ok {
			if !strings.Contains(e.Detail, `"held":false`) {
				corrected++
			}
			continue
		}
		err := a.d.vault.Update(ctx, a.as(), a.r.Subject, t, byType[t])
		held := true
		switch {
		case errors.Is(err, vault.ErrNotFound), errors.Is(err, vault.ErrForgotten):
			held = false
		case errors.Is(err, kind.ErrInvalid), errors.Is(err, kind.ErrWrongType):
			return outcome{}, fmt.Errorf("%w: %w", ErrCorrection, err)
		case err != nil:
			return outcome{}, fmt.Errorf("rights: update %s: %w", t, err)
		}
		if err := a.did(ctx, act, map[string]any{"held": held}); err != nil {
			return outcome{}, err
		}
		if held {
			corrected++
		}
	}
	if corrected == 0 {
		return outcome{state: Fulfilled, text: noData}, nil
	}
	var told []string
	for _, disc := range a.d.policy.Disclosures {
		var fields []string
		for _, f := range a.r.Fields {
			if slices.Contains(disc.Fields, f) {
				fields = append(fields, f)
			}
		}
		if len(fields) == 0 {
			continue
		}
		told = append(told, disc.Organisation)
		act := "notice:" + disc.Organisation
		if _, ok := a.done[act]; ok {
			continue
		}
		m := notify.Message{
			To: notify.Organisation(disc.Organisation), Channel: notify.Channel(a.d.policy.Channel), Template: notify.CorrectionNotice,
			Params: notify.Params{
				"reference": a.r.ID, "records": strconv.Itoa(corrected), "fields": strings.Join(fields, ", "),
				"corrected": a.d.now().In(a.d.regimes[a.r.Regime].loc()).Format(time.DateOnly),
			},
			Key: "rights-" + a.r.ID + "-correction-" + disc.Organisation, Sender: a.as(),
		}
		id, err := a.d.outbox.Enqueue(ctx, m)
		if err != nil {
			return outcome{}, fmt.Errorf("rights: enqueue the correction notice to %s: %w", disc.Organisation, err)
		}
		if err := a.did(ctx, act, map[string]any{"message": id}); err != nil {
			return outcome{}, err
		}
	}
	text := "corrected " + strings.Join(a.r.Fields, ", ")
	if len(told) > 0 {
		text += "; recipients told (GDPR Art. 19): " + strings.Join(told, ", ")
	}
	return outcome{state: Fulfilled, text: text}, nil
}
