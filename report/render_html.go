package report

import (
	"html/template"
	"io"
	"strings"

	"github.com/regioncopy/regioncopy/model"
)

// The HTML report is one file an auditor can open anywhere: inline CSS, no script, no
// external asset, failing rows first.
var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"time":     fmtTime,
	"bytes":    model.FormatBytes,
	"rpo":      rpoText,
	"dash":     dash,
	"lower":    strings.ToLower,
	"rule":     atRiskRule,
	"failing":  Failing,
	"priceSrc": priceFileSuffix,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>regioncopy report {{time .GeneratedAt}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.85em}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eee}
code{font-size:.95em;word-break:break-all}
.breach{background:#f8d7da}.unknown{background:#fde2c4}.at_risk{background:#fff3cd}
.ok{background:#fff}.no_rpo{background:#f4f4f4}
.state{font-weight:bold}
ul{margin:0;padding-left:1.2em}
.summary td{font-size:1.2em;text-align:center}
</style>
</head>
<body>
<h1>regioncopy report</h1>
<p>Generated {{time .GeneratedAt}} by <code>{{.Command}}</code>. Copy jobs, failures and transfer since {{time .Since}}.</p>
<table class="summary">
<tr>{{range .Counts}}<th>{{.State}}</th>{{end}}</tr>
<tr>{{range .Counts}}<td class="{{lower .State}}">{{.Rows}}</td>{{end}}</tr>
</table>
<p>{{rule .}}</p>
<h2>Resources and destinations</h2>
<table>
<tr><th>State</th><th>Resource</th><th>From</th><th>To</th><th>Plan</th><th>RPO</th><th>Newest copy</th><th>Age</th><th>In flight</th><th>Last failure</th><th>Findings</th></tr>
{{range .Rows}}<tr class="{{lower .State}}{{if failing .}} failing{{end}}">
<td class="state">{{.State}}{{if .StateReason}}<br>{{.StateReason}}{{end}}</td>
<td><code>{{.ResourceArn}}</code><br>{{.ResourceType}}</td>
<td>{{.SourceRegion}}</td>
<td>{{.DestinationAccount}}<br>{{.DestinationRegion}}<br>{{.DestinationVault}}</td>
<td>{{dash .Plan}}</td>
<td>{{rpo .RpoMinutes}}</td>
<td>{{with .NewestCopy}}<code>{{.DestinationRecoveryPointArn}}</code><br>source {{time .SourceCreatedAt}}, landed {{time .LandedAt}}<br>{{.Kind}}, {{bytes .BackupSizeBytes}}, job {{dash .CopyJobId}}<br>key <code>{{.EncryptionKeyArn}}</code><br>deleted at {{dash (time .DeleteAt)}}{{else}}none{{end}}</td>
<td>{{dash .Age}}</td>
<td>{{if .InFlight}}{{.InFlightCopyJobId}}{{else}}-{{end}}</td>
<td>{{with .LastFailure}}{{time .At}}<br>{{.CopyJobId}}<br>{{.Reason}}{{else}}-{{end}}</td>
<td>{{if .Findings}}<ul>{{range .Findings}}<li><b>{{.Code}}</b>: {{.Text}}</li>{{end}}</ul>{{else}}-{{end}}</td>
</tr>
{{else}}<tr><td colspan="11">no rows</td></tr>
{{end}}</table>
<h2>Transfer and estimated cost</h2>
<p>Prices: {{.Prices.Source}}, as of {{.Prices.AsOf}}{{priceSrc .}}. AWS reports a copy's recovery point size, not the bytes it moved: full copies are exact, incremental ones are at most the size shown.</p>
<table>
<tr><th>From</th><th>To</th><th>Full copies</th><th>Full bytes</th><th>Incremental copies</th><th>Incremental bytes (at most)</th><th>USD/GB</th><th>Full USD</th><th>USD (at most)</th></tr>
{{range .Costs}}<tr><td>{{.SourceRegion}}</td><td>{{.DestinationRegion}}</td><td>{{.FullCopies}}</td><td>{{bytes .FullBytes}}</td><td>{{.IncrementalCopies}}</td><td>{{bytes .IncrementalBytesAtMost}}</td><td>{{printf "%.4f" .USDPerGB}}</td><td>{{printf "%.2f" .FullCostUSD}}</td><td>{{printf "%.2f" .CostUSDAtMost}}</td></tr>
{{else}}<tr><td colspan="9">no copy completed in the period</td></tr>
{{end}}</table>
</body>
</html>
`))

func writeHTML(w io.Writer, r Report) error { return htmlPage.Execute(w, r) }
