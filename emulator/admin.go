package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// adminPrefix is the reserved path of the admin API; no AWS Backup route starts with it.
const adminPrefix = "/_emulator/"

type clockWire struct {
	Now          time.Time
	EpochSeconds float64
	TimeScale    float64
}

func (e *Emulator) clockReading() clockWire {
	now := e.Now()
	return clockWire{Now: now, EpochSeconds: float64(now.UnixMilli()) / 1000, TimeScale: e.cfg.TimeScale}
}

func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		adminError(w, "reading the request body: "+err.Error())
		return
	}
	switch r.Method + " " + r.URL.Path {
	case "GET /_emulator/healthz":
		writeJSON(w, http.StatusOK, map[string]string{"Status": "ok"})
	case "GET /_emulator/counters":
		writeJSON(w, http.StatusOK, e.Counters())
	case "GET /_emulator/clock":
		writeJSON(w, http.StatusOK, e.clockReading())
	case "POST /_emulator/clock/advance":
		var in struct{ Seconds float64 }
		if err := json.Unmarshal(body, &in); err != nil || in.Seconds <= 0 || in.Seconds > 1e10 {
			adminError(w, `body must be {"Seconds": N} with N a positive number of emulated seconds`)
			return
		}
		e.Advance(time.Duration(in.Seconds * float64(time.Second)))
		writeJSON(w, http.StatusOK, e.clockReading())
	case "GET /_emulator/faults":
		writeJSON(w, http.StatusOK, e.Faults())
	case "POST /_emulator/faults", "PUT /_emulator/faults":
		var f Faults
		if err := decodeStrict(body, &f); err != nil {
			adminError(w, "faults: "+err.Error())
			return
		}
		if err := e.SetFaults(f); err != nil {
			adminError(w, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, e.Faults())
	case "DELETE /_emulator/faults":
		_ = e.SetFaults(Faults{})
		writeJSON(w, http.StatusOK, e.Faults())
	case "POST /_emulator/resources":
		seeds, err := ParseResourceSeeds(body)
		if err != nil {
			adminError(w, err.Error())
			return
		}
		if err := e.SeedResources(seeds); err != nil {
			adminError(w, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"Seeded": len(seeds)})
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"Message":"unknown admin route; see the emulator README for the admin API"}`))
	}
}

func adminError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"Message": msg})
}

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytesReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
