# The journal is browsed on its own page (/nhat-ky/) by inspectors and admins; it is not editable anywhere.
