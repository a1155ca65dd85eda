package worker

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/regioncopy/regioncopy/model"
)

// TestCloudGuideCreatesEverySearchAttribute keeps the tcld command of docs/aws.md, the
// only way to create the search attributes on Temporal Cloud, equal to what the worker
// needs: a missing one would fail every workflow task that sets it.
func TestCloudGuideCreatesEverySearchAttribute(t *testing.T) {
	doc, err := os.ReadFile("../docs/aws.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile(`--search-attribute "(\w+=\w+)"`).FindAllStringSubmatch(string(doc), -1) {
		documented = append(documented, m[1])
	}
	var needed []string
	for _, k := range model.SearchAttributes {
		needed = append(needed, k.GetName()+"="+k.GetValueType().String())
	}
	slices.Sort(documented)
	slices.Sort(needed)
	if !slices.Equal(documented, needed) {
		t.Errorf("docs/aws.md creates %v,\nthe worker needs %v", documented, needed)
	}
}
