"""Reading and writing tables of comments: validated rows in, atomic files out."""
