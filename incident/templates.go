package incident

import (
	"golang.org/x/text/language"

	"github.com/custos-go/custos/notify"
)

// ReportTemplateID is the regulator report's template.
const ReportTemplateID notify.TemplateID = "incident-report"

// ReportTemplate returns the regulator report (PIPL Art. 57; GDPR Art.
// 33(3); CAC Measures) in Simplified Chinese and English, for a host to add
// to its notify templates beside notify.StandardTemplates: the nature of
// the incident, its grade, the categories and approximate numbers of
// people and records, the cause, the likely consequences, the measures
// taken or proposed, the contact point (the DPO's) and the detection date.
// Parameters: nature, grade, categories (text), people, records (number),
// cause, harm, measures, contact (text), detected (date), phase (text).
func ReportTemplate() notify.Template {
	return notify.Template{
		ID: ReportTemplateID, Rule: "PIPL Art. 57; GDPR Art. 33; CAC National Cybersecurity Incident Reporting Measures",
		Params: []notify.Param{{Name: "nature", Kind: notify.ParamText}, {Name: "grade", Kind: notify.ParamText},
			{Name: "categories", Kind: notify.ParamText}, {Name: "people", Kind: notify.ParamNumber}, {Name: "records", Kind: notify.ParamNumber},
			{Name: "cause", Kind: notify.ParamText}, {Name: "harm", Kind: notify.ParamText}, {Name: "measures", Kind: notify.ParamText},
			{Name: "contact", Kind: notify.ParamText}, {Name: "detected", Kind: notify.ParamDate}, {Name: "phase", Kind: notify.ParamText}},
		Texts: map[language.Tag]notify.Text{
			language.SimplifiedChinese: {
				Subject: "个人信息安全事件报告（%[11]s）",
				Body: "报告阶段：%[11]s\n事件性质：%[1]s\n事件级别：%[2]s\n发现时间：%[10]s\n涉及的个人信息种类：%[3]s\n涉及人数（约）：%[4]d\n涉及记录数（约）：%[5]d\n" +
					"原因：%[6]s\n可能造成的危害：%[7]s\n已采取或拟采取的补救措施：%[8]s\n联系人（个人信息保护负责人）：%[9]s\n\n" +
					"（依据《个人信息保护法》第五十七条、《国家网络安全事件报告管理办法》）",
			},
			language.English: {
				Subject: "Personal data breach report (%[11]s)",
				Body: "Report phase: %[11]s\nNature of the breach: %[1]s\nGrade: %[2]s\nDetected: %[10]s\nCategories of personal data: %[3]s\n" +
					"Approximate number of people concerned: %[4]d\nApproximate number of records concerned: %[5]d\n" +
					"Cause: %[6]s\nLikely consequences: %[7]s\nMeasures taken or proposed: %[8]s\nContact point (DPO): %[9]s\n\n" +
					"(GDPR Art. 33(3); PIPL Art. 57)",
			},
		},
	}
}

// Templates returns notify.StandardTemplates with the regulator report
// added, in Simplified Chinese (the fallback) and English.
func Templates() (*notify.Templates, error) {
	return notify.NewTemplates([]language.Tag{language.SimplifiedChinese, language.English},
		append(notify.StandardTemplates(), ReportTemplate())...)
}

// customerItems are the parameters a customer notice must carry: the
// content PIPL Art. 57 lists (categories, cause, possible harm, measures
// taken, what the person can do, the handler's contact).
var customerItems = []string{"categories", "cause", "harm", "measures", "remedies", "contact"}

// reportItems are the parameters a regulator report must carry (PIPL Art.
// 57; GDPR Art. 33(3)).
var reportItems = []string{"nature", "categories", "people", "records", "cause", "harm", "measures", "contact"}
