package model

// AllCopies pages through the copies query of one chain run with query (which asks the
// chain for one CopiesPage) and returns every record the run keeps, oldest first.
func AllCopies(query func(CopiesPage, *[]CopyRecord) error) ([]CopyRecord, error) {
	var all []CopyRecord
	for skip := 0; ; {
		var page []CopyRecord
		if err := query(CopiesPage{Skip: skip, Limit: MaxCopiesPage}, &page); err != nil {
			return nil, err
		}
		all = append(page, all...)
		skip += len(page)
		if len(page) < MaxCopiesPage {
			return all, nil
		}
	}
}
