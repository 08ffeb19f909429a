"""Files kept from a form shown again with errors ("staged uploads"), shared by every form
that takes files: the resource library's forms and the discussions' compose and edit forms."""
