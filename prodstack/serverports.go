package prodstack

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// pickServerPorts returns the ports the server used last time, kept in file, when they
// are all free (and the frontend's is frontend, unless that is 0), else fresh ones,
// which it keeps in file. The same ports make the same membership address: the server
// finds itself in the membership the database recorded and takes back at once what
// it owned, where with a new address whatever the old one owned (often the namespace's
// schedule workers) waits about a minute for it to be declared gone.
func pickServerPorts(file string, frontend int) (serverPorts, error) {
	var kept serverPorts
	if data, err := os.ReadFile(file); err == nil && json.Unmarshal(data, &kept) == nil &&
		(frontend == 0 || kept.Frontend == frontend) && allFree(kept) {
		return kept, nil
	}
	free, err := freeLowPorts(9)
	if err != nil {
		return serverPorts{}, err
	}
	if frontend != 0 {
		free[0] = frontend
	}
	p := serverPorts{free[0], free[1], free[2], free[3], free[4], free[5], free[6], free[7], free[8]}
	data, err := json.Marshal(p)
	if err != nil {
		return serverPorts{}, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return serverPorts{}, err
	}
	return p, os.WriteFile(file, data, 0o644)
}

// allFree reports whether every port of p can be bound on 127.0.0.1 now.
func allFree(p serverPorts) bool {
	list := []int{p.Frontend, p.FrontendMembership, p.FrontendHTTP, p.History, p.HistoryMembership, p.Matching, p.MatchingMembership, p.Worker, p.WorkerMembership}
	var held []net.Listener
	defer func() {
		for _, l := range held {
			_ = l.Close()
		}
	}()
	for _, port := range list {
		if port == 0 {
			return false
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return false
		}
		held = append(held, l)
	}
	return true
}
