"""Driving Label Studio's own labeling editor in Chromium as a person does (Playwright, sync API).

Every helper acts through the page: mouse drags over the words, clicks on label buttons, radio
buttons and pickers, typing into text boxes.  Nothing here writes results through the API.
"""

from __future__ import annotations

from typing import Any

EDITOR_TIMEOUT_MS = 180_000
"""The editor takes 10-90 s to render on a loaded 2-core machine."""

_RANGE_RECTS_JS = """
([needle, nth]) => {
  const root = document.querySelector('[class*=richtext]');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = []; let all = '';
  while (walker.nextNode()) { nodes.push([walker.currentNode, all.length]); all += walker.currentNode.data; }
  let at = -1;
  for (let i = 0; i <= nth; i++) { at = all.indexOf(needle, at + 1); if (at < 0) return null; }
  const locate = (offset) => {
    for (const [node, start] of nodes) { if (offset < start + node.data.length) return [node, offset - start]; }
    const [node, start] = nodes[nodes.length - 1]; return [node, node.data.length];
  };
  const rectOf = (offset) => {
    const [node, local] = locate(offset);
    const range = document.createRange(); range.setStart(node, local); range.setEnd(node, local + 1);
    const r = range.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height};
  };
  const first = rectOf(at), last = rectOf(at + needle.length - 1);
  return {first, last};
}
"""


def _credentials_form(page: Any, address: str, email: str, password: str) -> None:
    page.goto(address)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def login(page: Any, url: str, email: str, password: str) -> None:
    _credentials_form(page, f"{url}/user/login", email, password)


def sign_up(page: Any, url: str, email: str, password: str) -> None:
    """A new annotator creates their account on the server's sign-up page."""
    _credentials_form(page, f"{url}/user/signup", email, password)


def add_mention(page: Any, label: str, words: str, *, entity: str | None = None, new_id: str | None = None,
                mention_type: str = "NAM", nth: int = 0) -> str:
    """Label a mention and fill its fields: the entity picked from the list (as shown) or a new id typed."""
    region = label_span(page, label, words, nth)
    pick_radio(page, "mention_type", mention_type)
    if entity is not None:
        pick_from_list(page, "entity_id", entity)
    if new_id is not None:
        type_into(page, "new_entity_id", new_id)
    return region


def wait_for_editor(page: Any) -> None:
    page.wait_for_selector("[class*=richtext]", timeout=EDITOR_TIMEOUT_MS)
    page.wait_for_selector("[class*=htx-highlight], [class*=lsf-label]", timeout=EDITOR_TIMEOUT_MS)
    page.wait_for_timeout(1000)


def open_task(page: Any, url: str, project_id: int, task_id: int) -> None:
    page.goto(f"{url}/projects/{project_id}/data?task={task_id}")
    wait_for_editor(page)


def drag_over(page: Any, words: str, nth: int = 0) -> None:
    """Press the mouse on the first character of ``words`` (its nth occurrence in the text) and release on the last."""
    rects = page.evaluate(_RANGE_RECTS_JS, [words, nth])
    assert rects is not None, f"{words!r} is not in the task text"
    first, last = rects["first"], rects["last"]
    page.mouse.move(first["x"] + 1, first["y"] + first["h"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["w"] / 2, last["y"] + last["h"] / 2, steps=8)
    page.mouse.move(last["x"] + last["w"] - 1, last["y"] + last["h"] / 2, steps=2)
    page.mouse.up()
    page.wait_for_timeout(500)


def _label_button(page: Any, label: str) -> Any:
    return page.locator("span.lsf-label_clickable", has=page.locator(".lsf-label__text", has_text=label)).first


def choose_label(page: Any, label: str) -> None:
    """Make a region label above the text (PERSON, DURATION, stance evidence ...) the active one.

    Escape first, so no selected region gets relabelled; a label stays active after it drew a region,
    and clicking it again would switch it off, so an active label is left as it is."""
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    button = _label_button(page, label)
    if "lsf-label_selected" not in (button.get_attribute("class") or ""):
        button.click()
    page.wait_for_timeout(300)


def label_span(page: Any, label: str, words: str, nth: int = 0) -> str:
    """Choose the label, drag over the words, then pick the new region in the Regions list to open its fields
    (a click on the text may land on a region drawn inside the new one); returns its id."""
    before = region_ids(page)
    choose_label(page, label)
    drag_over(page, words, nth)
    [new] = region_ids(page) - before
    button = _label_button(page, label)
    if "lsf-label_selected" in (button.get_attribute("class") or ""):
        button.click()  # switch the label off again: with a label on, a click on a region may not select it
        page.wait_for_timeout(300)
    select_in_regions_list(page, words)
    return new


def _field(page: Any, field: str) -> Any:
    """The visible per-region control under the header that names ``field``."""
    return page.locator(f"xpath=//h4[starts-with(normalize-space(.), '{field}:')]/following-sibling::*[1]").locator("visible=true").first


def pick_radio(page: Any, field: str, value: str) -> None:
    _field(page, field).locator(f"label:has(input[name='{value}'])").click()
    page.wait_for_timeout(200)


def pick_from_list(page: Any, field: str, shown: str) -> None:
    """Open the field's picker and click the option shown as ``shown`` (an entity's name, label and id)."""
    _field(page, field).locator("button").first.click()
    page.wait_for_timeout(300)
    page.locator("[role=option]", has_text=shown).first.click()
    page.wait_for_timeout(300)
    if page.locator("[role=option]").count():  # a multiple-choice list stays open: Escape closes just the list
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)


def type_into(page: Any, field: str, text: str) -> None:
    box = _field(page, field).locator("textarea, input").first
    box.click()
    box.fill(text)
    box.press("Enter")
    page.wait_for_timeout(200)


_OWN_TEXT_JS = r"""
(regionId) => {
  for (const span of document.querySelectorAll(`span[class*='htx-highlight-${regionId}-']`)) {
    for (const node of span.childNodes) {
      const at = node.nodeType === Node.TEXT_NODE ? node.data.search(/\S/) : -1;
      if (at >= 0) {
        const range = document.createRange(); range.setStart(node, at); range.setEnd(node, at + 1);
        const r = range.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2};
      }
    }
  }
  return null;
}
"""


def select_in_regions_list(page: Any, text: str) -> None:
    """Click the region whose text starts with ``text`` in the Regions list (scrolled to its end first)."""
    items = page.locator(".lsf-outliner-item")
    items.first.hover()
    page.mouse.wheel(0, 20_000)
    page.wait_for_timeout(500)
    items.filter(has=page.locator(".lsf-outliner-item__text", has_text=text)).last.click()
    page.wait_for_timeout(500)


def select_region(page: Any, region_id: str) -> None:
    """Click text that belongs to this region alone (not to a region drawn inside it)."""
    point = page.evaluate(_OWN_TEXT_JS, region_id)
    assert point is not None, f"region {region_id} has no text of its own to click"
    page.mouse.click(point["x"], point["y"])
    page.wait_for_timeout(500)


def delete_region(page: Any, region_id: str, text: str) -> None:
    """Pick the region in the Regions list, check the details panel names it, and press Backspace."""
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    select_in_regions_list(page, text)
    assert page.locator(".lsf-sidepanels, body").first.get_by_text(region_id, exact=True).count(), f"{region_id} is not selected"
    page.keyboard.press("Backspace")
    page.wait_for_timeout(500)
    assert region_id not in region_ids(page), f"{region_id} was not deleted"


def submit(page: Any) -> None:
    """Click Submit (or Update) and wait for the server to store the annotation."""
    button = page.locator("button", has_text="Submit").or_(page.locator("button", has_text="Update")).first
    with page.expect_response(lambda r: "/annotations" in r.url and r.request.method in ("POST", "PATCH")) as response:
        button.click()
    assert response.value.ok, response.value.status
    page.wait_for_timeout(1000)


def region_ids(page: Any) -> set[str]:
    """Ids of the regions drawn over the text (from their ``htx-highlight-<id>`` classes)."""
    classes = page.eval_on_selector_all("span[class*=htx-highlight-]", "els => els.map(e => e.className)")
    ids = set()
    for name in classes:
        for part in name.split():
            if part.startswith("htx-highlight-") and part != "htx-highlight-last":
                ids.add(part[len("htx-highlight-"):].rsplit("-", 1)[0])  # htx-highlight-<region id>-<n>
    return ids
