package report

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

//go:embed prices.json
var builtinPrices []byte

// Prices is a transfer price table: USD per GB (2^30 bytes) moved from a source Region
// to a destination Region, kept as data with where it comes from and when.
type Prices struct {
	Source          string
	AsOf            string
	Note            string `json:",omitempty"`
	Currency        string
	DefaultUSDPerGB float64
	// FromRegion maps a source Region to destination Regions' prices; "*" is every
	// destination the map does not name.
	FromRegion map[string]map[string]float64
}

// PriceSource says which table priced a report.
type PriceSource struct {
	// File is the --prices file, empty for the built-in table.
	File   string `json:",omitempty"`
	Source string
	AsOf   string
}

// BuiltinPrices is the table kept in prices.json.
func BuiltinPrices() Prices {
	p, err := parsePrices(builtinPrices)
	if err != nil {
		panic("report: built-in prices.json: " + err.Error())
	}
	return p
}

// LoadPrices reads a price table from a file of the same form as prices.json.
func LoadPrices(path string) (Prices, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Prices{}, fmt.Errorf("--prices: %w", err)
	}
	p, err := parsePrices(b)
	if err != nil {
		return Prices{}, fmt.Errorf("--prices %s: %w", path, err)
	}
	return p, nil
}

func parsePrices(b []byte) (Prices, error) {
	var p Prices
	if err := json.Unmarshal(b, &p); err != nil {
		return p, err
	}
	if p.Source == "" || p.AsOf == "" {
		return p, errors.New("a price table must say its Source and AsOf")
	}
	if p.DefaultUSDPerGB < 0 {
		return p, errors.New("DefaultUSDPerGB must not be negative")
	}
	for src, dsts := range p.FromRegion {
		for dst, usd := range dsts {
			if usd < 0 {
				return p, fmt.Errorf("FromRegion.%s.%s must not be negative", src, dst)
			}
		}
	}
	return p, nil
}

// USDPerGB is the price of moving a GB from src to dst: nothing within a Region.
func (p Prices) USDPerGB(src, dst string) float64 {
	if src == dst {
		return 0
	}
	if d, ok := p.FromRegion[src]; ok {
		if usd, ok := d[dst]; ok {
			return usd
		}
		if usd, ok := d["*"]; ok {
			return usd
		}
	}
	return p.DefaultUSDPerGB
}
