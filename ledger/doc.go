// Package ledger is SmartupOS's book of record: typed tables read from CSV
// indexes into an in-memory snapshot, markdown pages, the master-events audit
// trail, and the commit model that writes a mutation's page, index rows and
// audit row in one atomic commit through a Store.
//
// It knows the shape of the records, not the community's rules (those live in
// package toolbox), and it must not import the forge's SDK or any Matrix type:
// storage is reached only through the Store interface.
package ledger
