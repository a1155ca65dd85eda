package cli

import (
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/regioncopy/regioncopy/policy"
)

// rulesEnv names the rules file when --rules is not given.
const rulesEnv = "REGIONCOPY_RULES"

// AddRulesFlag adds --rules to a command that validates copies; its default is
// REGIONCOPY_RULES. LoadRules reads the file it names.
func AddRulesFlag(fl *pflag.FlagSet, getenv func(string) string, path *string) {
	fl.StringVar(path, "rules", getenv(rulesEnv),
		"JSON rules document laid over regioncopy's built-in cross-Region rules, to follow AWS without a new release (env "+rulesEnv+")")
}

// LoadRules reads the --rules file with policy.Load. No file means the built-in rules
// (nil: workflow inputs then carry none). A file that cannot be read or does not hold
// valid rules is a usage error (exit 2) naming the file and each field at fault.
func LoadRules(path string) (*policy.Rules, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErrorf("rules file %s (--rules or %s): %v", path, rulesEnv, err)
	}
	defer f.Close()
	rules, err := policy.Load(f)
	if err != nil {
		var lines []string
		for _, v := range policy.Violations(err) {
			lines = append(lines, v.Error())
		}
		if len(lines) == 0 {
			lines = []string{err.Error()}
		}
		return nil, usageErrorf("rules file %s (--rules or %s): not a valid rules document:\n  %s", path, rulesEnv, strings.Join(lines, "\n  "))
	}
	return rules, nil
}

// orDefaultRules is the rules to check with: the loaded ones, else the built-in ones.
func orDefaultRules(r *policy.Rules) *policy.Rules {
	if r == nil {
		return policy.Default()
	}
	return r
}
