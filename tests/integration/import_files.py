"""Registry exports for the household import tests: valid RUTs, and files of many rows with
some bad ones in known places."""

from stdnum.cl import rut

HEADER = "RUT;Apellidos;Dirección;Nombre;Fecha de nacimiento;Integrantes"


def rut_of(number: int) -> str:
    """A valid RUT as people write it (``12.345.678-5``) for ``number``."""
    body = str(number)
    return rut.format(body + rut.calc_check_digit(body))


def bad_rut(number: int) -> str:
    """A RUT whose check digit is wrong."""
    body = str(number)
    right = rut.calc_check_digit(body)
    return rut.format(body + ("1" if right != "1" else "2"))


def registry_csv(count: int, bad_every: int = 0, *, first: int = 10_000_000,
                 family: str = "Familia") -> tuple[str, list[int]]:
    """A registry export of ``count`` households (``;``-separated, as a spreadsheet in
    Spanish saves it); with ``bad_every``, every ``bad_every``-th household has a RUT with a
    wrong check digit. The text and the file lines (header = 1) of the bad rows."""
    lines, bad = [HEADER], []
    for n in range(count):
        line_number = n + 2
        wrong = bad_every and (n + 1) % bad_every == 0
        key = bad_rut(first + n) if wrong else rut_of(first + n)
        if wrong:
            bad.append(line_number)
        lines.append(f"{key};{family} {n};Calle {n} 123;Jefa {n};01/02/1980;"
                     f"Hijo {n}, 12, hijo | Hija {n}, 9, hija")
    return "\n".join(lines) + "\n", bad
