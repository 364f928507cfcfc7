package toolbox

// lookupCommands are the queries about the community: roles, tasks,
// owners, teams.
var lookupCommands = []*Command{}
