package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// RowsHeader is the header of the CSV's rows section.
var RowsHeader = []string{"State", "StateReason", "ResourceArn", "ResourceType", "SourceRegion", "DestinationRegion",
	"DestinationAccount", "DestinationVault", "Plan", "RpoMinutes", "Deadline", "DestinationRecoveryPointArn",
	"SourceCreatedAt", "LandedAt", "CopyJobId", "Kind", "BackupSizeBytes", "EncryptionKeyArn", "DeleteAt", "AgeMinutes",
	"InFlight", "InFlightCopyJobId", "LastFailureAt", "LastFailureCopyJobId", "LastFailureReason", "Findings", "ChainWorkflowId"}

// CostsHeader is the header of the CSV's cost section, which follows the rows after an
// empty line.
var CostsHeader = []string{"SourceRegion", "DestinationRegion", "FullCopies", "FullBytes", "IncrementalCopies",
	"IncrementalBytesAtMost", "USDPerGB", "FullCostUSD", "CostUSDAtMost", "PriceSource", "PriceAsOf"}

func writeCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(RowsHeader)
	for _, row := range r.Rows {
		rec := []string{row.State, row.StateReason, row.ResourceArn, row.ResourceType, row.SourceRegion, row.DestinationRegion,
			row.DestinationAccount, row.DestinationVault, row.Plan, strconv.FormatInt(row.RpoMinutes, 10), fmtTime(row.Deadline)}
		if c := row.NewestCopy; c != nil {
			rec = append(rec, c.DestinationRecoveryPointArn, fmtTime(c.SourceCreatedAt), fmtTime(c.LandedAt), c.CopyJobId,
				string(c.Kind), strconv.FormatInt(c.BackupSizeBytes, 10), c.EncryptionKeyArn, fmtTime(c.DeleteAt), strconv.FormatInt(row.AgeMinutes, 10))
		} else {
			rec = append(rec, "", "", "", "", "", "", "", "", "")
		}
		rec = append(rec, strconv.FormatBool(row.InFlight), row.InFlightCopyJobId)
		if f := row.LastFailure; f != nil {
			rec = append(rec, fmtTime(f.At), f.CopyJobId, f.Reason)
		} else {
			rec = append(rec, "", "", "")
		}
		var fs []string
		for _, f := range row.Findings {
			fs = append(fs, f.Code+": "+f.Text)
		}
		rec = append(rec, strings.Join(fs, "; "), row.ChainWorkflowId)
		_ = cw.Write(rec)
	}
	cw.Flush()
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	_ = cw.Write(CostsHeader)
	for _, c := range r.Costs {
		_ = cw.Write([]string{c.SourceRegion, c.DestinationRegion, strconv.Itoa(c.FullCopies), strconv.FormatInt(c.FullBytes, 10),
			strconv.Itoa(c.IncrementalCopies), strconv.FormatInt(c.IncrementalBytesAtMost, 10), fmt.Sprintf("%g", c.USDPerGB),
			fmt.Sprintf("%.4f", c.FullCostUSD), fmt.Sprintf("%.4f", c.CostUSDAtMost), r.Prices.Source, r.Prices.AsOf})
	}
	cw.Flush()
	return cw.Error()
}
