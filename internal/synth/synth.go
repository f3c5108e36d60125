// Package synth generates synthetic customers of a leasing company for
// examples, tests and benchmarks: Chinese names, resident ID numbers,
// mobile numbers, bank card numbers, addresses, lease contracts and
// amounts. Numbers have valid check digits — they pass the kind package's
// validation — but are drawn at random from a seeded generator: they
// describe nobody in particular. Never use them as test data that claims
// to be real.
package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/custos-go/custos/kind"
)

// Customer is one synthetic customer.
type Customer struct {
	ID         string // internal customer number, "C0000001"
	Name       string
	ResidentID string
	Mobile     string
	BankCard   string
	Address    string
	Contract   string
	Amount     string // e.g. "125000.00 CNY"
	Birth      time.Time
}

// Generator makes a reproducible stream of customers from a seed.
type Generator struct {
	rng *rand.Rand
	n   int
}

// New returns a Generator; the same seed gives the same customers.
func New(seed uint64) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, 0x637573746f73))}
}

var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "欧阳", "司马"}
	given    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强"}
	// Six-digit administrative region codes (GB/T 2260) of a few districts.
	regions = []string{"110105", "110108", "310115", "310104", "440305", "440106", "330106", "510107", "420106", "320102"}
	cities  = map[string]string{
		"110105": "北京市朝阳区", "110108": "北京市海淀区", "310115": "上海市浦东新区", "310104": "上海市徐汇区",
		"440305": "深圳市南山区", "440106": "广州市天河区", "330106": "杭州市西湖区", "510107": "成都市武侯区",
		"420106": "武汉市武昌区", "320102": "南京市玄武区",
	}
	roads = []string{"人民路", "解放路", "中山路", "建设大道", "科技园路", "滨江大道", "学院路", "长江路"}
	// Mobile number prefixes of the three operators.
	mobilePrefixes = []string{"134", "135", "136", "138", "139", "150", "151", "158", "182", "187", "130", "131", "132", "155", "186", "133", "153", "177", "180", "189", "199"}
	// Debit card issuer identification numbers of large Chinese banks.
	cardBINs = []string{"622202", "621700", "622848", "621661", "622588", "621226"}
)

// Next returns the next customer.
func (g *Generator) Next() Customer {
	g.n++
	r := g.rng
	region := regions[r.IntN(len(regions))]
	birth := time.Date(1950+r.IntN(55), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	c := Customer{
		ID:       fmt.Sprintf("C%07d", g.n),
		Name:     surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))] + pick(r, "", given),
		Birth:    birth,
		Address:  fmt.Sprintf("%s%s%d号", cities[region], roads[r.IntN(len(roads))], 1+r.IntN(999)),
		Contract: fmt.Sprintf("LC-%d-%06d", 2020+r.IntN(7), r.IntN(1_000_000)),
		Amount:   fmt.Sprintf("%d.%02d CNY", 20_000+r.IntN(980_000), r.IntN(100)),
	}
	c.ResidentID = withCheck(region+birth.Format("20060102")+fmt.Sprintf("%03d", r.IntN(1000)), "0123456789X", kind.ResidentID{})
	c.Mobile = mobilePrefixes[r.IntN(len(mobilePrefixes))] + digits(r, 8)
	c.BankCard = withCheck(cardBINs[r.IntN(len(cardBINs))]+digits(r, 12), "0123456789", kind.BankCard{})
	return c
}

// pick returns a random element of choices or, half the time, none.
func pick(r *rand.Rand, none string, choices []string) string {
	if r.IntN(2) == 0 {
		return none
	}
	return choices[r.IntN(len(choices))]
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// withCheck completes body with the one check character that the kind
// accepts, so that the check algorithms live only in package kind.
func withCheck(body, alphabet string, k kind.Kind) string {
	for _, c := range alphabet {
		if s, err := k.Canonical(body + string(c)); err == nil {
			return s
		}
	}
	panic("synth: no check character makes a valid " + k.Name())
}
