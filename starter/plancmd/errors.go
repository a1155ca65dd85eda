package plancmd

import (
	"fmt"
	"regexp"

	"github.com/regioncopy/regioncopy/starter/cli"
)

func usageErrorf(format string, args ...any) error {
	return cli.UsageError(fmt.Errorf(format, args...))
}

// planNamePattern is botocore's pattern for BackupPlanName (and RuleName).
var planNamePattern = regexp.MustCompile(`^[a-zA-Z0-9\-\_\.]{1,50}$`)

func validPlanName(s string) bool { return planNamePattern.MatchString(s) }

// ruleFlag checks --rule: empty means every rule of the plan.
func ruleFlag(rule string) error {
	if rule != "" && !validPlanName(rule) {
		return usageErrorf("--rule %q: a RuleName has 1 to 50 letters, digits, '-', '_' or '.'", rule)
	}
	return nil
}
