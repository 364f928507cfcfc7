package toolbox

// captainCommands are the team captains' writes, and !object for everyone.
var captainCommands = []*Command{}
