/* budgetwatch — grid cells that are links, with the data shown as text (never as Markdown or
   HTML): the cell's value is the link's text, the row's field named by
   cellRendererParams.hrefField its address (built on the server). */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.BwLink = function (props) {
    var field = (props.colDef.cellRendererParams || {}).hrefField;
    var href = props.data && field ? props.data[field] : null;
    if (!href || props.value == null) { return props.valueFormatted != null ? props.valueFormatted : props.value; }
    return React.createElement('a', {href: href, className: 'bw-cell-link'}, String(props.value));
};
