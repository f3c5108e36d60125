package notify

import "golang.org/x/text/language"

// The templates of the notices custos workflows send (StandardTemplates).
const (
	// TransferNotice tells a customer that their personal information
	// passes to another handler because of a merger, division, dissolution
	// or bankruptcy, naming the recipient and its contact (PIPL Art. 22).
	// Parameters: recipient, contact (text), effective (date).
	TransferNotice TemplateID = "transfer-notice"
	// TransferConsent asks a customer's separate consent to provide their
	// personal information to another handler, stating the recipient, its
	// contact, the purpose, method and categories (PIPL Art. 23).
	// Parameters: recipient, contact, purpose, method, categories (text),
	// reply_by (date).
	TransferConsent TemplateID = "transfer-consent-request"
	// BreachNotice tells a customer of a leak, alteration or loss of their
	// personal information: categories, cause, possible harm, measures
	// taken, what they can do, and the handler's contact (PIPL Art. 57;
	// GDPR Art. 34). Parameters: categories, cause, harm, measures,
	// remedies, contact (text), discovered (date).
	BreachNotice TemplateID = "breach-notice"
	// CorrectionNotice tells a recipient of personal data that records it
	// received were corrected, so that it corrects its copies (GDPR Art.
	// 19; PIPL Art. 46). Parameters: reference (text), records (number),
	// fields (text), corrected (date).
	CorrectionNotice TemplateID = "correction-notice"
	// RequestAnswer answers a customer's request to exercise a right, with
	// the outcome and, when refused, the right to complain or sue (PIPL
	// Art. 44–50; GDPR Art. 12(3), 12(4)). Parameters: reference, outcome,
	// contact (text), received (date).
	RequestAnswer TemplateID = "request-answer"
	// AccuracyReview asks a customer to review personal information held
	// about them and correct what is wrong (PIPL Art. 8; GDPR Art.
	// 5(1)(d)). Parameters: fields, contact (text), reply_by (date).
	AccuracyReview TemplateID = "accuracy-review"
)

var (
	zh = language.SimplifiedChinese
	en = language.English
)

// StandardTemplates returns the standard templates in Simplified Chinese
// and English, as values a host may copy and reword.
func StandardTemplates() []Template {
	return []Template{
		{
			ID: TransferNotice, Rule: "PIPL Art. 22",
			Params: []Param{{"recipient", ParamText}, {"contact", ParamText}, {"effective", ParamDate}},
			Texts: map[language.Tag]Text{
				zh: {
					Subject: "关于您的个人信息转移至%[1]s的告知",
					Body:    "尊敬的客户：\n\n因合并、分立、解散或被宣告破产等原因，自%[3]s起，您的个人信息将转移至%[1]s。接收方将继续履行个人信息处理者的义务；变更原先的处理目的、处理方式的，将重新取得您的同意。\n\n接收方联系方式：%[2]s\n\n（依据《个人信息保护法》第二十二条）",
				},
				en: {
					Subject: "Your personal information passes to %[1]s",
					Body:    "Dear customer,\n\nAs a result of a merger, division, dissolution or declaration of bankruptcy, your personal information passes to %[1]s on %[3]s. The recipient continues to fulfil the duties of a personal information handler; should it change the original purposes or methods of processing, it will ask for your consent again.\n\nContact of the recipient: %[2]s\n\n(Personal Information Protection Law, Art. 22)",
				},
			},
		},
		{
			ID: TransferConsent, Rule: "PIPL Art. 23",
			Params: []Param{{"recipient", ParamText}, {"contact", ParamText}, {"purpose", ParamText}, {"method", ParamText}, {"categories", ParamText}, {"reply_by", ParamDate}},
			Texts: map[language.Tag]Text{
				zh: {
					Subject: "请求您单独同意向%[1]s提供个人信息",
					Body:    "尊敬的客户：\n\n我们拟向%[1]s（联系方式：%[2]s）提供您的个人信息。\n处理目的：%[3]s\n处理方式：%[4]s\n个人信息种类：%[5]s\n\n未经您的单独同意，我们不会提供。请于%[6]s前答复；不同意不影响您使用我们的服务。\n\n（依据《个人信息保护法》第二十三条）",
				},
				en: {
					Subject: "Your separate consent to provide your personal information to %[1]s",
					Body:    "Dear customer,\n\nWe propose to provide your personal information to %[1]s (contact: %[2]s).\nPurpose: %[3]s\nMethod: %[4]s\nCategories of personal information: %[5]s\n\nWe will not provide it without your separate consent. Please reply by %[6]s; refusing does not affect the service we give you.\n\n(Personal Information Protection Law, Art. 23)",
				},
			},
		},
		{
			ID: BreachNotice, Rule: "PIPL Art. 57; GDPR Art. 34",
			Params: []Param{{"categories", ParamText}, {"cause", ParamText}, {"harm", ParamText}, {"measures", ParamText}, {"remedies", ParamText}, {"contact", ParamText}, {"discovered", ParamDate}},
			Texts: map[language.Tag]Text{
				zh: {
					Subject: "个人信息安全事件告知",
					Body:    "尊敬的客户：\n\n我们于%[7]s发现一起个人信息安全事件，可能涉及您的个人信息。\n涉及的个人信息种类：%[1]s\n原因：%[2]s\n可能造成的危害：%[3]s\n我们已采取的补救措施：%[4]s\n您可以采取的措施：%[5]s\n联系方式：%[6]s\n\n（依据《个人信息保护法》第五十七条）",
				},
				en: {
					Subject: "Notice of a personal information security incident",
					Body:    "Dear customer,\n\nOn %[7]s we discovered a security incident that may concern your personal information.\nCategories of personal information: %[1]s\nCause: %[2]s\nPossible harm: %[3]s\nMeasures we have taken: %[4]s\nWhat you can do: %[5]s\nContact: %[6]s\n\n(Personal Information Protection Law, Art. 57; GDPR Art. 34)",
				},
			},
		},
		{
			ID: CorrectionNotice, Rule: "GDPR Art. 19; PIPL Art. 46",
			Params: []Param{{"reference", ParamText}, {"records", ParamNumber}, {"fields", ParamText}, {"corrected", ParamDate}},
			Texts: map[language.Tag]Text{
				zh: {
					Subject: "个人信息更正通知（%[1]s）",
					Body:    "您好：\n\n我们已于%[4]s更正了此前向贵方提供的%[2]d条记录中的以下信息：%[3]s。请据此更正贵方持有的副本。\n\n参考编号：%[1]s\n\n（依据《个人信息保护法》第四十六条、GDPR第十九条）",
				},
				en: {
					Subject: "Correction of personal data (%[1]s)",
					Body:    "Hello,\n\nOn %[4]s we corrected the following information in %[2]d records we provided to you: %[3]s. Please correct the copies you hold accordingly.\n\nReference: %[1]s\n\n(GDPR Art. 19; Personal Information Protection Law, Art. 46)",
				},
			},
		},
		{
			ID: RequestAnswer, Rule: "PIPL Art. 44-50; GDPR Art. 12(3), 12(4)",
			Params: []Param{{"reference", ParamText}, {"outcome", ParamText}, {"contact", ParamText}, {"received", ParamDate}},
			Texts: map[language.Tag]Text{
				zh: {
					Subject: "关于您的个人信息权利请求的答复（%[1]s）",
					Body:    "尊敬的客户：\n\n我们已处理您于%[4]s提出的请求（编号%[1]s）。\n处理结果：%[2]s\n\n如您对处理结果有异议，可以向履行个人信息保护职责的部门投诉、举报，或者依法向人民法院提起诉讼。联系方式：%[3]s\n\n（依据《个人信息保护法》第五十条）",
				},
				en: {
					Subject: "Answer to your request about your personal information (%[1]s)",
					Body:    "Dear customer,\n\nWe have handled the request you made on %[4]s (reference %[1]s).\nOutcome: %[2]s\n\nIf you disagree, you may complain to the authority that protects personal information or take the matter to court. Contact: %[3]s\n\n(Personal Information Protection Law, Art. 50; GDPR Art. 12)",
				},
			},
		},
		{
			ID: AccuracyReview, Rule: "PIPL Art. 8; GDPR Art. 5(1)(d)",
			Params: []Param{{"fields", ParamText}, {"contact", ParamText}, {"reply_by", ParamDate}},
			Texts: map[language.Tag]Text{
				zh: {
					Subject: "请核对您的个人信息",
					Body:    "尊敬的客户：\n\n为保证个人信息的准确、完整，请核对我们持有的您的以下信息：%[1]s。如有错误，请于%[3]s前通过%[2]s告知我们更正。\n\n（依据《个人信息保护法》第八条）",
				},
				en: {
					Subject: "Please review your personal information",
					Body:    "Dear customer,\n\nTo keep your personal information accurate and complete, please review the following information we hold about you: %[1]s. If anything is wrong, tell us by %[3]s through %[2]s and we will correct it.\n\n(Personal Information Protection Law, Art. 8; GDPR Art. 5(1)(d))",
				},
			},
		},
	}
}
