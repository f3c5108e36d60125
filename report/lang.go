package report

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Languages are the languages the report is written in: Simplified
// Chinese for PIPL, English for GDPR.
var languages = []language.Tag{language.SimplifiedChinese, language.English}

// Languages returns the tags ParseLanguage accepts, the first being the
// default.
func Languages() []language.Tag { return append([]language.Tag(nil), languages...) }

// ParseLanguage returns the report language named by s, such as "zh-Hans",
// "zh" or "en", or ErrLanguage when the report has no text in it.
func ParseLanguage(s string) (language.Tag, error) {
	tag, err := language.Parse(s)
	if err != nil {
		return language.Und, fmt.Errorf("%w: %q is not a language tag", ErrLanguage, s)
	}
	_, i, conf := language.NewMatcher(languages).Match(tag)
	if conf < language.High {
		return language.Und, fmt.Errorf("%w: %s (the report is written in zh-Hans and en)", ErrLanguage, tag)
	}
	return languages[i], nil
}

// texts is the report's own text: a message key, then its Simplified
// Chinese and English texts. Keys with verbs take the section's, table's
// or finding's Args.
var texts = [][3]string{
	{"title", "个人信息处理活动记录与合规报告", "Records of processing and compliance report"},
	{"generated", "统计时点", "State as of"},
	{"controller", "个人信息处理者", "Controller"},
	{"contents", "目录", "Contents"},
	{"findings", "需要关注的事项", "Findings"},
	{"no-findings", "没有需要关注的事项。", "No findings."},
	{"none", "无", "none"},
	{"unanswered", "（待处理者回答）", "(to be answered by the controller)"},
	{"digest", "报告摘要（SHA-256）", "Report digest (SHA-256)"},
	{"signature", "签名", "Signature"},
	{"chart-alt", "图表：%s。数据见下表。", "Chart: %s. The figures are in the table below."},
	{"severity.failure", "未通过", "Failed"},
	{"severity.gap", "缺漏", "Gap"},
	{"severity.open", "待答", "Open"},

	{"section.processing", "处理活动记录（GDPR 第30条）", "Records of processing (GDPR Art. 30)"},
	{"section.security", "安全措施（个人信息保护法第51条；GDPR 第32条）", "Security measures (PIPL Art. 51; GDPR Art. 32)"},
	{"section.consent", "同意状态", "Consent states"},
	{"section.retention", "保存期限与删除", "Retention and destruction"},
	{"section.outbox", "通知", "Notifications"},
	{"section.rights", "个人权利请求", "Data-subject requests"},
	{"section.incident", "安全事件（个人信息保护法第57条；GDPR 第33—34条）", "Incidents (PIPL Art. 57; GDPR Art. 33–34)"},
	{"table.incidents", "事件登记", "Incident register"},
	{"table.obligations", "报告与通知义务", "Reports and notices owed"},
	{"table.incident-timeline", "义务时间线（自发现起的小时数）", "Obligation timeline (hours from detection)"},
	{"chart.incident-timeline", "期限与实际履行（自发现起的小时数）", "Deadline and fulfilment, hours from detection"},
	{"col.incident", "事件", "Incident"},
	{"col.grade", "分级", "Grade"},
	{"col.phase", "阶段", "Phase"},
	{"col.drill", "演练", "Drill"},
	{"col.detected", "发现时间", "Detected"},
	{"col.aware", "知悉时间", "Aware"},
	{"col.people", "涉及人数", "People"},
	{"col.records", "涉及记录", "Records"},
	{"col.met", "已履行", "Met"},
	{"col.delayed", "迟延（附理由）", "Delayed (reasons given)"},
	{"col.exempt", "豁免", "Exempt"},
	{"col.obligation", "义务", "Obligation"},
	{"col.duty", "内容", "Duty"},
	{"col.to", "报告对象", "To"},
	{"col.met-at", "履行时间", "Met at"},
	{"col.status", "状态", "Status"},
	{"col.due-hours", "期限（小时）", "Due (hours)"},
	{"col.met-hours", "履行（小时）", "Met (hours)"},
	{"obligation.met", "已按期履行", "met"},
	{"obligation.open", "未到期", "open"},
	{"obligation.overdue", "逾期", "OVERDUE"},
	{"obligation.delayed", "迟延（已附理由）", "delayed, reasons given"},
	{"obligation.exempt", "豁免", "exempt"},
	{"finding.incident-obligation-overdue", "事件 %s 的义务 %s 已逾期。", "Incident %s: obligation %s is overdue."},
	{"section.transfer", "公司转让（个人信息保护法第22、23、39条）", "Company transfers (PIPL Art. 22, 23, 39)"},
	{"table.transfers", "转让计划与执行", "Transfer plans and their progress"},
	{"col.transfer", "转让", "Transfer"},
	{"col.cause", "原因", "Cause"},
	{"col.articles", "适用条款", "Articles"},
	{"col.jurisdiction", "所在法域", "Jurisdiction"},
	{"col.separate-consent", "需单独同意", "Separate consent"},
	{"col.assessment", "影响评估", "Impact assessment"},
	{"col.approvals", "批准数", "Approvals"},
	{"col.customers", "已导出客户", "Customers exported"},
	{"col.root", "清单根哈希", "Manifest root"},
	{"col.effective", "生效日", "Effective"},
	{"col.finished", "完成时间", "Finished"},
	{"finding.transfer-no-assessment", "转让 %s 未注明事前影响评估。", "Transfer %s names no prior impact assessment."},
	{"table.rights-regimes", "答复期限规则", "Answer clocks"},
	{"table.rights-kinds", "按权利类型", "Requests per right"},
	{"table.rights-clocks", "未结请求剩余时间", "Open requests by time left"},
	{"table.rights-answer-times", "已结请求答复用时", "Closed requests by time to answer"},
	{"table.rights-closed", "各月办结", "Closed per month"},
	{"chart.rights-clocks", "未结请求剩余时间", "Request clocks: time left"},
	{"chart.rights-answer-times", "答复用时分布", "Time to answer"},
	{"chart.rights-closed", "各月办结数", "Requests closed per month"},
	{"col.regime", "规则", "Regime"},
	{"col.period", "期限", "Period"},
	{"col.extension", "可延长", "Extension"},
	{"col.soon", "临期提示", "Due-soon window"},
	{"col.open", "未结", "Open"},
	{"col.due-soon", "临期", "Due soon"},
	{"col.overdue", "逾期", "Overdue"},
	{"col.closed", "已结", "Closed"},
	{"col.late", "逾期答复", "Answered late"},
	{"col.time-left", "剩余时间", "Time left"},
	{"col.requests", "请求数", "Requests"},
	{"col.answered-in", "答复用时", "Answered in"},
	{"left.overdue", "已逾期", "overdue"},
	{"left.le-7d", "7天内", "7 days or less"},
	{"left.le-14d", "8—14天", "8 to 14 days"},
	{"left.le-30d", "15—30天", "15 to 30 days"},
	{"left.gt-30d", "30天以上", "more than 30 days"},
	{"took.le-7d", "7天内", "7 days or less"},
	{"took.le-14d", "8—14天", "8 to 14 days"},
	{"took.le-30d", "15—30天", "15 to 30 days"},
	{"took.le-60d", "31—60天", "31 to 60 days"},
	{"took.le-90d", "61—90天", "61 to 90 days"},
	{"took.gt-90d", "90天以上", "more than 90 days"},
	{"finding.rights-overdue", "%s 项个人权利请求已逾期未答复。", "%s data-subject requests are overdue."},
	{"finding.rights-late", "%s 项个人权利请求逾期才答复。", "%s data-subject requests were answered late."},
	{"section.audit", "审计日志", "Audit log"},
	{"section.assessment", "个人信息保护影响评估（个人信息保护法第55—56条）", "Impact assessments (PIPL Art. 55–56)"},

	{"table.purposes", "处理目的与合法性基础", "Purposes and legal bases"},
	{"table.people", "个人类别", "Categories of people"},
	{"table.fields", "个人信息种类与分级", "Categories of data and their classes"},
	{"table.recipients", "接收方与跨境提供", "Recipients and transfers abroad"},
	{"table.retention", "保存规则", "Retention rules"},
	{"table.measures", "技术措施", "Technical measures"},
	{"table.masking", "按角色去标识化显示", "Masking by role"},
	{"table.consent-now", "各目的当前同意状态", "Consent states per purpose now"},
	{"table.consent-trend", "同意状态趋势：%s", "Consent states over time: %s"},
	{"table.retention-summary", "概况", "Summary"},
	{"table.retention-due", "未来各月到期", "Due in the coming months"},
	{"table.destructions", "各月已删除", "Destroyed per month"},
	{"table.outbox", "通知发送状态", "Notifications by state"},
	{"table.outbox-oldest", "最早未送达", "Oldest not delivered"},
	{"table.audit-state", "日志状态与验证", "Log state and verification"},
	{"table.alerts", "监控告警（按规则）", "Monitor alerts per rule"},
	{"table.assessment", "影响评估：%s", "Impact assessment: %s"},

	{"chart.alerts", "各规则告警数", "Alerts per rule"},
	{"chart.retention-due", "未来各月到期数", "Clocks due per month"},
	{"chart.destructions", "各月删除数", "Customers destroyed per month"},
	{"chart.outbox", "各状态通知数", "Notifications per state"},
	{"chart.consent-trend", "同意状态趋势：%s", "Consent states over time: %s"},

	{"col.purpose", "目的", "Purpose"},
	{"col.category", "类别", "Category"},
	{"col.minors", "可能含不满十四周岁未成年人", "May include children under 14"},
	{"col.description", "说明", "Description"},
	{"col.basis", "合法性基础", "Legal basis"},
	{"col.pipl", "个保法条款", "PIPL"},
	{"col.gdpr", "GDPR 条款", "GDPR"},
	{"col.law", "所依法律", "Law"},
	{"col.record-types", "记录类型", "Record types"},
	{"col.actions", "操作", "Actions"},
	{"col.separate", "单独同意", "Separate consent"},
	{"col.validity", "有效期", "Validity"},
	{"col.notice", "告知", "Notice"},
	{"col.record-type", "记录类型", "Record type"},
	{"col.field", "字段", "Field"},
	{"col.kind", "类型", "Kind"},
	{"col.level", "JR/T 0171 级别", "JR/T 0171 level"},
	{"col.sensitive", "敏感个人信息", "Sensitive"},
	{"col.searchable", "盲索引", "Blind index"},
	{"col.purposes", "使用目的", "Used by purposes"},
	{"col.rules", "保存规则", "Retention rules"},
	{"col.recipient", "接收方", "Recipient"},
	{"col.contact", "联系方式", "Contact"},
	{"col.country", "国家/地区", "Country"},
	{"col.abroad", "境外", "Abroad"},
	{"col.article", "条款", "Article"},
	{"col.rule", "规则", "Rule"},
	{"col.start", "起算事件", "Starts at"},
	{"col.min", "法定最短", "Statutory minimum"},
	{"col.max", "最长", "Maximum"},
	{"col.expiry", "到期处理", "At expiry"},
	{"col.restrict-after", "限制处理起", "Restricted after"},
	{"col.body", "移交机构", "Hand over to"},
	{"col.measure", "措施", "Measure"},
	{"col.setting", "设置", "Setting"},
	{"col.role", "角色", "Role"},
	{"col.visibility", "显示", "Shown"},
	{"col.item", "项目", "Item"},
	{"col.value", "值", "Value"},
	{"col.answer", "回答", "Answer"},
	{"col.alerts", "告警", "Alerts"},
	{"col.month", "月份", "Month"},
	{"col.due", "到期", "Due"},
	{"col.destroyed", "已删除", "Destroyed"},
	{"col.state", "状态", "State"},
	{"col.messages", "通知数", "Messages"},
	{"col.state.requested", "已请求", "Requested"},
	{"col.state.deferred", "暂缓", "Deferred"},
	{"col.state.given", "已同意", "Given"},
	{"col.state.renewed", "已续期", "Renewed"},
	{"col.state.refused", "已拒绝", "Refused"},
	{"col.state.withdrawn", "已撤回", "Withdrawn"},
	{"col.state.revoked", "已撤销", "Revoked"},
	{"col.state.expired", "已过期", "Expired"},
	{"col.state.invalidated", "已失效", "Invalidated"},

	{"yes", "是", "yes"},
	{"no", "否", "no"},
	{"verified", "通过", "verified"},
	{"failed", "未通过", "FAILED"},
	{"measure.field-encryption", "字段加密", "Field encryption"},
	{"measure.kek", "密钥加密密钥（KEK）", "Key-encryption key (KEK)"},
	{"measure.previous-keks", "仍可解封的旧 KEK", "Previous KEKs still unwrapping"},
	{"measure.erasure-epochs", "删除周期（密钥销毁）", "Erasure epochs (key destruction)"},
	{"measure.blind-index", "盲索引泄露预算", "Blind-index leakage budget"},
	{"measure.audit-verifier", "审计日志验证公钥", "Audit log verifier key"},
	{"measure.masking", "按角色去标识化", "Role-based masking"},
	{"visibility.plain", "明文", "plain"},
	{"visibility.masked", "掩码", "masked"},
	{"visibility.hidden", "隐藏", "hidden"},
	{"audit.size", "条目数", "Entries"},
	{"audit.origin", "日志标识", "Origin"},
	{"audit.checkpoint-size", "最新检查点大小", "Latest checkpoint size"},
	{"audit.checkpoint-root", "最新检查点根哈希", "Latest checkpoint root hash"},
	{"audit.verifier", "验证公钥", "Verifier key"},
	{"audit.verification", "完整验证", "Full verification"},
	{"audit.verification-error", "验证错误", "Verification error"},
	{"audit.verified-entries", "已验证条目", "Entries verified"},
	{"audit.verified-checkpoints", "已核对检查点", "Checkpoints checked"},
	{"retention.due-now", "现已到期（下次清理处理）", "Due now (taken by the next sweep)"},
	{"retention.destroyed-total", "累计删除", "Destroyed in total"},
	{"outbox.pending", "待发送", "Pending"},
	{"outbox.claimed", "发送中", "Being sent"},
	{"outbox.sent", "已送达", "Delivered"},
	{"outbox.dead", "发送失败", "Dead"},
	{"outbox.cancelled", "已取消", "Cancelled"},
	{"outbox.oldest-pending", "最早未送达通知的创建时间", "Oldest undelivered message created"},
	{"assess.case", "评估情形", "Case"},
	{"assess.bases", "目的与合法性基础", "Purposes and legal bases"},
	{"assess.fields", "涉及的个人信息", "Data involved"},
	{"assess.sensitive", "敏感个人信息", "Sensitive personal information"},
	{"assess.recipients", "接收方", "Recipients"},
	{"assess.retention", "保存规则", "Retention rules"},
	{"assess.keep", "评估报告保存期限", "Keep this assessment"},
	{"question.lawful", "处理目的、处理方式等是否合法、正当、必要", "Are the purpose and method lawful, legitimate and necessary?"},
	{"question.impact", "对个人权益的影响及安全风险", "What is the impact on individuals' rights, and the security risks?"},
	{"question.measures", "保护措施是否合法、有效并与风险程度相适应", "Are the protection measures lawful, effective and proportionate to the risk?"},

	{"finding.no-retention-policy", "未配置保存规则：任何个人信息都没有保存期限。", "No retention policy: no data has a retention period."},
	{"finding.purpose-without-retention", "目的 %s 使用的记录类型 %s 没有保存规则。", "Purpose %s uses record type %s, which no retention rule limits."},
	{"finding.no-people-categories", "处理活动记录未说明个人类别（GDPR 第30条第1款(c)项）。", "The records of processing describe no category of people (GDPR Art. 30(1)(c))."},
	{"finding.record-type-without-people", "记录类型 %s 未归入任何个人类别。", "Record type %s belongs to no category of people."},
	{"finding.field-unused", "字段 %s 没有任何处理目的使用（最小必要）。", "Field %s is used by no purpose (minimum necessary)."},
	{"finding.kek-not-stated", "报告未注明密钥加密密钥。", "The report was not told the key-encryption key."},
	{"finding.epochs-off", "未启用删除周期：删除前的备份仍可用 KEK 解密。", "Erasure epochs are off: backups taken before an erasure stay decryptable with the KEK."},
	{"finding.masking-off", "存在 C2 及以上字段，但未配置按角色去标识化。", "Fields of level C2 or above are held but no role-based masking is configured."},
	{"finding.audit-verification-failed", "审计日志验证未通过：%s", "The audit log does not verify: %s"},
	{"finding.outbox-dead", "%s 条通知发送失败，需人工处理。", "%s notifications are dead letters and need an operator."},
	{"finding.question-open", "影响评估 %s：问题 %s 尚未回答。", "Impact assessment %s: question %s is not answered yet."},
}

// catalogs holds the texts in a golang.org/x/text message catalog, and
// the set of keys for lookups of terms.
type catalogs struct {
	cat  *catalog.Builder
	keys map[string]bool
}

func newCatalogs() (*catalogs, error) {
	c := &catalogs{cat: catalog.NewBuilder(catalog.Fallback(languages[0])), keys: map[string]bool{}}
	for _, t := range texts {
		if c.keys[t[0]] {
			return nil, fmt.Errorf("report: text %s declared twice", t[0])
		}
		c.keys[t[0]] = true
		if err := c.cat.SetString(language.SimplifiedChinese, t[0], t[1]); err != nil {
			return nil, err
		}
		if err := c.cat.SetString(language.English, t[0], t[2]); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// printer returns the translator of lang.
type printer struct {
	p    *message.Printer
	keys map[string]bool
	lang language.Tag
}

func (c *catalogs) printer(lang language.Tag) printer {
	return printer{p: message.NewPrinter(lang, message.Catalog(c.cat)), keys: c.keys, lang: lang}
}

// text returns the message key with args.
func (p printer) text(key string, args ...string) string {
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return p.p.Sprintf(key, a...)
}

// term returns the translation of a term, or the term itself when the
// catalog has none (a hash, a number written as a code).
func (p printer) term(s string) string {
	if p.keys[s] {
		return p.p.Sprintf(s)
	}
	return s
}

// tableTitle returns the table's title.
func (p printer) tableTitle(t Table) string {
	if t.Title != "" {
		return p.text("table."+t.Title, t.Args...)
	}
	return p.text("table." + t.ID)
}

// isZH reports whether the report is written in Chinese.
func (p printer) isZH() bool { return strings.HasPrefix(p.lang.String(), "zh") }
