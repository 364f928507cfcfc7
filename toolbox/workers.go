package toolbox

// workerCommands are the workers' writes beyond work sessions: applying for
// a role, claiming tasks, kudos.
var workerCommands = []*Command{}
