package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/regioncopy/regioncopy/model"
)

func writeTable(w io.Writer, r Report) error {
	fmt.Fprintf(w, "regioncopy report, %s, copy jobs since %s\n", fmtTime(r.GeneratedAt), fmtTime(r.Since))
	fmt.Fprintf(w, "rows: %s\n\n", summaryLine(r))
	t := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(t, "STATE\tRESOURCE\tFROM\tTO\tPLAN\tRPO\tNEWEST SOURCE\tAGE\tKIND\tIN FLIGHT\tLAST FAILURE\tFINDINGS")
	for _, row := range r.Rows {
		newest, kind := "-", "-"
		if c := row.NewestCopy; c != nil {
			newest, kind = fmtTime(c.SourceCreatedAt), string(c.Kind)
		}
		inFlight, failure := "-", "-"
		if row.InFlight {
			inFlight = row.InFlightCopyJobId
		}
		if f := row.LastFailure; f != nil {
			failure = fmtTime(f.At) + " " + f.CopyJobId
		}
		fmt.Fprintf(t, "%s\t%s\t%s\t%s/%s/%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", row.State, row.ResourceArn, row.SourceRegion,
			row.DestinationAccount, row.DestinationRegion, row.DestinationVault, dash(row.Plan), rpoText(row.RpoMinutes),
			newest, dash(row.Age), kind, inFlight, failure, dash(findingCodes(row)))
	}
	if err := t.Flush(); err != nil {
		return err
	}
	if len(r.Rows) == 0 {
		fmt.Fprintln(w, "(no rows)")
	}
	for _, row := range r.Rows {
		if row.StateReason == "" && len(row.Findings) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s -> %s/%s (%s)\n", row.ResourceArn, row.DestinationRegion, row.DestinationVault, row.State)
		if row.StateReason != "" {
			fmt.Fprintf(w, "  %s\n", row.StateReason)
		}
		for _, f := range row.Findings {
			fmt.Fprintf(w, "  %s: %s\n", f.Code, f.Text)
		}
	}
	fmt.Fprintf(w, "\ntransfer since %s (prices: %s, as of %s%s)\n", fmtTime(r.Since), r.Prices.Source, r.Prices.AsOf, priceFileSuffix(r))
	t = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(t, "FROM\tTO\tFULL COPIES\tFULL BYTES\tINCREMENTAL COPIES\tINCREMENTAL BYTES (AT MOST)\tUSD/GB\tFULL USD\tUSD (AT MOST)")
	for _, c := range r.Costs {
		fmt.Fprintf(t, "%s\t%s\t%d\t%s\t%d\t%s\t%.4f\t%.2f\t%.2f\n", c.SourceRegion, c.DestinationRegion, c.FullCopies, model.FormatBytes(c.FullBytes),
			c.IncrementalCopies, model.FormatBytes(c.IncrementalBytesAtMost), c.USDPerGB, c.FullCostUSD, c.CostUSDAtMost)
	}
	if err := t.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s\n", atRiskRule(r))
	return nil
}

func priceFileSuffix(r Report) string {
	if r.Prices.File == "" {
		return ", built in"
	}
	return ", from " + r.Prices.File
}
