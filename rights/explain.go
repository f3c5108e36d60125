package rights

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/custos-go/custos"
	"github.com/custos-go/custos/consent"
	"github.com/custos-go/custos/vault"
)

// explain answers an explanation request (PIPL Art. 48) with an
// ExplanationDocument: the purposes that process the record types the
// customer holds, their legal bases and recipients, the automated
// decisions, and the person's rights, in zh-Hans and en, generated from the
// policy types.
func (a *acts) explain(ctx context.Context, out io.Writer) (outcome, error) {
	if e, ok := a.done[actExplain]; ok {
		return recorded(e), nil
	}
	held, err := a.held(ctx)
	if err != nil {
		return outcome{}, err
	}
	var types []string
	if held {
		types, err = a.d.vault.RecordTypes(ctx, a.as(), a.r.Subject)
		if err != nil && !errors.Is(err, vault.ErrNotFound) && !errors.Is(err, vault.ErrForgotten) {
			return outcome{}, fmt.Errorf("rights: record types: %w", err)
		}
	}
	doc := ExplanationDocument{Format: ExplanationFormat, Request: head(a.r, a.d.now()), Controller: a.d.policy.Controller, Purposes: []PurposeInfo{}, Automated: a.d.policy.Automated}
	if doc.Automated == nil {
		doc.Automated = []Decision{}
	}
	var zh, en []string
	for _, p := range a.d.consent.Purposes() {
		info := a.d.purposeInfo(p, types)
		if len(info.Categories) == 0 {
			continue
		}
		doc.Purposes = append(doc.Purposes, info)
		zh = append(zh, fmt.Sprintf("目的「%s」：%s。法律依据：%s（%s）。处理的个人信息：%s。", p.ID, p.Description.ZH, basisZH(p.Basis), p.Basis.PIPL(), strings.Join(info.Categories, "、")))
		en = append(en, fmt.Sprintf("Purpose %s: %s. Legal basis: %s (%s; %s). Personal information processed: %s.", p.ID, p.Description.EN, p.Basis, p.Basis.PIPL(), p.Basis.GDPR(), strings.Join(info.Categories, ", ")))
		for _, rc := range p.Recipients {
			zh = append(zh, fmt.Sprintf("  提供给：%s（%s）", rc.Name, rc.Contact))
			en = append(en, fmt.Sprintf("  Provided to: %s (%s)", rc.Name, rc.Contact))
		}
	}
	if len(doc.Purposes) == 0 {
		zh = append(zh, "我们未持有您的个人信息，未对其进行处理。")
		en = append(en, "We hold no personal information about you and do not process any.")
	}
	for _, dc := range doc.Automated {
		if len(types) == 0 || !slices.ContainsFunc(doc.Purposes, func(p PurposeInfo) bool { return p.ID == dc.Purpose }) {
			continue
		}
		zh = append(zh, fmt.Sprintf("自动化决策「%s」：%s 影响：%s", dc.ID, dc.Logic.ZH, dc.Effects.ZH))
		en = append(en, fmt.Sprintf("Automated decision %s: %s Effects: %s", dc.ID, dc.Logic.EN, dc.Effects.EN))
	}
	rt := a.d.policy.rightsText()
	zh, en = append(zh, rt.ZH), append(en, rt.EN)
	doc.Text = consent.Text{ZH: strings.Join(zh, "\n"), EN: strings.Join(en, "\n")}
	text := "processing rules explained"
	if !held {
		text = noData
	}
	return a.deliver(ctx, actExplain, doc, held, len(types), text, out)
}

// basisZH names a legal basis in Chinese, as PIPL Art. 13 words it.
func basisZH(b custos.LegalBasis) string {
	switch b {
	case custos.BasisConsent:
		return "取得个人的同意"
	case custos.BasisContract:
		return "为订立、履行合同所必需"
	case custos.BasisLegalDuty:
		return "为履行法定职责或者法定义务所必需"
	case custos.BasisVitalInterest:
		return "为应对突发公共卫生事件或者保护自然人的生命健康和财产安全所必需"
	case custos.BasisPublicInterest:
		return "为公共利益实施新闻报道、舆论监督等行为"
	case custos.BasisPublished:
		return "处理已公开的个人信息"
	case custos.BasisOtherLaw:
		return "法律、行政法规规定的其他情形"
	}
	return b.String()
}
