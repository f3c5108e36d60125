package transfer

import "slices"

// Cause is why customers' personal information passes to another handler.
// It decides the article that governs the transfer (RULES M1, M3).
type Cause string

// The causes PIPL Art. 22 names. Any other cause, such as the sale of a
// customer portfolio, falls under PIPL Art. 23.
const (
	CauseMerger      Cause = "merger"
	CauseDivision    Cause = "division"
	CauseDissolution Cause = "dissolution"
	CauseBankruptcy  Cause = "bankruptcy"
	// CauseSale is the sale of a customer portfolio to another handler
	// (PIPL Art. 23).
	CauseSale Cause = "sale"
)

// Article is the PIPL article a transfer is made under.
type Article string

const (
	// Article22: merger, division, dissolution or bankruptcy. Each person
	// is told the recipient's name and contact; no new consent is needed,
	// and the recipient stays bound to the original purposes and methods
	// (PIPL Art. 22; RULES M1, M2).
	Article22 Article = "PIPL Art. 22"
	// Article23: any other provision to another handler. Each person is
	// told the recipient, contact, purpose, method and categories and gives
	// separate consent; those who do not are not transferred (PIPL Art.
	// 23; RULES M3, L7).
	Article23 Article = "PIPL Art. 23"
	// Article39: the recipient is abroad. Separate consent is needed for
	// the cross-border provision as well (PIPL Art. 39; RULES L7).
	Article39 Article = "PIPL Art. 39"
)

var article22Causes = []Cause{CauseMerger, CauseDivision, CauseDissolution, CauseBankruptcy}

// Article returns the article the cause falls under: Article22 for a
// merger, division, dissolution or bankruptcy, Article23 for anything else.
func (c Cause) Article() Article {
	if slices.Contains(article22Causes, c) {
		return Article22
	}
	return Article23
}
