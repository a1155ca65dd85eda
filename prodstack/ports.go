package prodstack

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// freePorts returns n distinct free TCP ports on 127.0.0.1. They are free when picked;
// another process may take one before its user binds it, so the caller starts again on
// fresh ports when its process exits before it is ready.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var held []net.Listener
	defer func() {
		for _, l := range held {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		held = append(held, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Temporal's SQL schema stores a membership port as a smallint, so the server's ports
// come from below 32768, where the kernel hands out no ephemeral ports either.
const (
	lowPortMin = 20000
	lowPortMax = 32767
)

// freeLowPorts returns n distinct free TCP ports on 127.0.0.1 from lowPortMin to
// lowPortMax, tried at random.
func freeLowPorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var held []net.Listener
	defer func() {
		for _, l := range held {
			_ = l.Close()
		}
	}()
	for tries := 0; len(ports) < n; tries++ {
		if tries == 1000 {
			return nil, fmt.Errorf("no %d free ports between %d and %d", n, lowPortMin, lowPortMax)
		}
		p := lowPortMin + rand.IntN(lowPortMax-lowPortMin+1)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			continue
		}
		held = append(held, l)
		ports = append(ports, p)
	}
	return ports, nil
}
