package emulator

// pointIndex finds the recovery points of a vault, and of one resource in a vault,
// without scanning every point of every Region: starting a copy looks up its
// incremental base, and listing or describing a vault walks only that vault, so both
// cost the same whether the emulator holds a hundred points or a hundred thousand.
type pointIndex struct {
	byVault         map[string]map[string]*recoveryPoint // vault ARN -> point ARN -> point
	byVaultResource map[string]map[string]*recoveryPoint // vault ARN|resource ARN -> point ARN -> point
}

func newPointIndex() pointIndex {
	return pointIndex{byVault: map[string]map[string]*recoveryPoint{}, byVaultResource: map[string]map[string]*recoveryPoint{}}
}

func vaultResourceKey(vaultArn, resourceArn string) string { return vaultArn + "|" + resourceArn }

func (x pointIndex) add(p *recoveryPoint) {
	addTo(x.byVault, p.VaultArn, p)
	addTo(x.byVaultResource, vaultResourceKey(p.VaultArn, p.ResourceArn), p)
}

func (x pointIndex) remove(p *recoveryPoint) {
	removeFrom(x.byVault, p.VaultArn, p)
	removeFrom(x.byVaultResource, vaultResourceKey(p.VaultArn, p.ResourceArn), p)
}

func addTo(m map[string]map[string]*recoveryPoint, key string, p *recoveryPoint) {
	set, ok := m[key]
	if !ok {
		set = map[string]*recoveryPoint{}
		m[key] = set
	}
	set[p.Arn] = p
}

func removeFrom(m map[string]map[string]*recoveryPoint, key string, p *recoveryPoint) {
	delete(m[key], p.Arn)
	if len(m[key]) == 0 {
		delete(m, key)
	}
}

// inVault returns the points of a vault (the map is the index's own: do not change it).
func (x pointIndex) inVault(vaultArn string) map[string]*recoveryPoint { return x.byVault[vaultArn] }

// ofResource returns the points of a resource in a vault (the index's own map).
func (x pointIndex) ofResource(vaultArn, resourceArn string) map[string]*recoveryPoint {
	return x.byVaultResource[vaultResourceKey(vaultArn, resourceArn)]
}

// putPoint stores a new recovery point and indexes it.
func (e *Emulator) putPoint(p *recoveryPoint) {
	if old, ok := e.st.Points[p.Arn]; ok {
		e.points.remove(old)
	}
	e.st.Points[p.Arn] = p
	e.points.add(p)
}

// removePoint deletes a recovery point and its index entries.
func (e *Emulator) removePoint(arn string) {
	if p, ok := e.st.Points[arn]; ok {
		e.points.remove(p)
		delete(e.st.Points, arn)
	}
}
