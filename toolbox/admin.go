package toolbox

// adminCommands are the admins' commands, for a direct chat only.
var adminCommands = []*Command{}
