"""Stage 5, render: stitch the executed notebooks into one paper and render it as
paper.html (nbconvert) and a tagged paper.pdf (WeasyPrint, part by part, merged with
pikepdf), or with Quarto where a council has it."""
