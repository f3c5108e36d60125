package incident

import "strings"

// Exemption returns why notices to the people concerned are not required,
// or "" when they are (GDPR Art. 34(3); PIPL Art. 57 ¶2: individuals may be
// skipped when the measures taken avoid harm):
//
//   - (a) the data exposed was only ciphertext and no key that protects it
//     was exposed: a compromised KEK removes this ground, and so does any
//     plaintext read found by scoping;
//   - (b) measures taken since ensure the high risk is no longer likely,
//     with the reason recorded;
//   - (c) individual notices would need disproportionate effort, with the
//     reason recorded: a public communication is then due instead (the
//     register notes it; GDPR Art. 34(3)(c)).
//
// The register records the returned reason on the individuals' obligation,
// so it says why no notice was sent.
func (e Exposure) Exemption() string {
	var why []string
	if e.Ciphertext && !e.Plaintext && len(e.CompromisedKEKs) == 0 {
		why = append(why, "GDPR Art. 34(3)(a): only ciphertext was exposed and no key protecting it was")
	}
	if e.Mitigated != "" {
		why = append(why, "GDPR Art. 34(3)(b): "+e.Mitigated)
	}
	if e.Disproportionate != "" {
		why = append(why, "GDPR Art. 34(3)(c), public communication instead: "+e.Disproportionate)
	}
	return strings.Join(why, "; ")
}
