package report

import "errors"

var (
	// ErrConfig reports a Config or a Plan that cannot make a report.
	ErrConfig = errors.New("report: invalid configuration")
	// ErrLanguage reports a language the report has no text in.
	ErrLanguage = errors.New("report: unsupported language")
	// ErrFormat reports an output format the report does not write.
	ErrFormat = errors.New("report: unsupported format")
	// ErrSignature reports a report whose signature does not verify.
	ErrSignature = errors.New("report: signature does not verify")
)
