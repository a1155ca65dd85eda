package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// userHZ is the unit of /proc/<pid>/stat's CPU times: Linux reports them in USER_HZ,
// which is 100 on every architecture it runs on.
const userHZ = 100

// pidCPU is the CPU time (user and system) process pid has used so far, read from
// /proc/<pid>/stat (Linux).
func pidCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces: the fields are
	// counted after its closing parenthesis, where field 3 (state) starts.
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(s[end+1:])
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the command name", pid, len(fields))
	}
	var ticks int64
	for _, i := range []int{utime, stime} {
		n, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat field %d: %w", pid, i+3, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// selfCPU is the CPU time this process (worker, emulator and benchmark client) has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMeter reads the dev server's and this process's CPU time, so a burst's cost can be
// taken as the difference of two readings.
type cpuMeter struct{ serverPid int }

type cpuReading struct{ server, self time.Duration }

// read takes a reading; the server's time is 0 where /proc cannot tell it (not Linux),
// so the scenario's CPU figures read 0 there rather than failing its wall-clock ones.
func (m cpuMeter) read() cpuReading {
	srv, _ := pidCPU(m.serverPid)
	return cpuReading{server: srv, self: selfCPU()}
}

func (r cpuReading) since(before cpuReading) cpuReading {
	return cpuReading{server: r.server - before.server, self: r.self - before.self}
}
